import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../chaos/faults.js';
import { type FlowChaosResult, runFlowChaos } from '../../chaos/flowScenario.js';
import { type ChaosResult, runChaos } from '../../chaos/runChaos.js';

// The CI-sized chaos run: the same runner as `npm run chaos`, every fault at once. Per-call
// faults get higher rates than the full run so each one surely fires in 1,500 tasks. Six
// groups of four (three with a callback) and six chains of three steps (two cancelled) run
// under the same faults, with 15 tasks delayed by hours on a clock the run moves, and
// callbacks to a receiver that is down, then failing, then back.
describe('chaos run (1,500 tasks)', () => {
  let result: ChaosResult;
  let flow: FlowChaosResult;

  // The flow-control scenario runs alongside, on a pipeline of its own: most of its time is
  // waiting (a pause, a breaker's cool-down), so the two together take about as long as one.
  beforeAll(async () => {
    [result, flow] = await Promise.all([
      runChaos({
        tasks: 1_500,
        seed: 7,
        rates: { crash: 0.03, 'visibility-expiry': 0.04, 'webhook-429': 0.08, restart: 0.33 },
      }),
      runFlowChaos({ seed: 7 }),
    ]);
  }, 300_000);
  afterAll(() => {
    if (result && !result.passed) process.stderr.write(result.report);
  });

  it.each(Object.keys(FAULTS) as FaultName[])('injects %s', (fault) => {
    expect(result.faults.tallies.get(fault)?.injected).toBeGreaterThan(0);
  });

  it('checks every invariant of the issue', () => {
    expect(result.invariants.map((i) => i.name)).toEqual([
      'drains within the bound',
      'every enqueued task is in exactly one terminal state',
      'no task row outside the workload',
      'SUCCEEDED + FAILED + CANCELLED = enqueued',
      'every API entry accepted or reported, none dropped',
      'every FAILED task has a DLQ message or a recorded reason',
      'every poison message is on a DLQ',
      'no task recorded as succeeding twice (ledger vs fencing)',
      'no message stays invisible (queues at 0 visible + 0 in flight)',
      'the DLQ alarm reached the webhook',
      'no unhandled rejection',
      'each group follow-up applied once, after the seal and every member ended',
      'no chain step runs before its parent succeeded',
      'a cancelled chain stops',
      'a retry waits for its Retry-After, not the shorter backoff',
      'a late write from a lost lease leaves the newer state',
      'a FIFO task in the DLQ keeps its group and deduplication id',
      'no long-delayed task runs before it is due, or is lost',
      'a cancelled long-delayed task never runs',
      'every callback delivered at least once, with a valid signature and a fresh timestamp',
    ]);
  });

  it('passes every invariant', () => {
    const failed = result.invariants.filter((i) => !i.pass);
    expect(failed).toEqual([]);
  });

  it("ran the groups' follow-ups and the chains' later steps it checks", () => {
    const detail = (name: string) => result.invariants.find((i) => i.name === name)?.detail;
    const due = /(\d+) follow-ups due/.exec(
      detail('each group follow-up applied once, after the seal and every member ended') ?? '',
    );
    const steps = /(\d+) later-step runs/.exec(
      detail('no chain step runs before its parent succeeded') ?? '',
    );
    expect(Number(due?.[1])).toBeGreaterThanOrEqual(6);
    expect(Number(steps?.[1])).toBeGreaterThan(0);
  });

  it('ran long-delayed tasks, cancelled some, and delivered callbacks after the receiver came back', () => {
    const detail = (name: string) => result.invariants.find((i) => i.name === name)?.detail ?? '';
    const ran = /^(\d+) of (\d+) delayed/.exec(
      detail('no long-delayed task runs before it is due, or is lost'),
    );
    const cancelled = /^(\d+) cancelled/.exec(detail('a cancelled long-delayed task never runs'));
    const callbacks =
      /^(\d+) callback\(s\), (\d+) of groups.*?(\d+) tries refused, then (\d+) answered 503/.exec(
        detail(
          'every callback delivered at least once, with a valid signature and a fresh timestamp',
        ),
      );
    expect(Number(ran?.[1])).toBeGreaterThan(0);
    expect(ran?.[1]).toBe(ran?.[2]);
    expect(Number(cancelled?.[1])).toBeGreaterThan(0);
    // The restarts come while schedules wait: the timer's data dir carries them over.
    expect(
      Number(/(\d+) schedule\(s\) held across a restart/.exec(ran?.input ?? '')?.[1]),
    ).toBeGreaterThan(0);
    expect(Number(callbacks?.[1])).toBeGreaterThan(Number(callbacks?.[2]));
    expect(Number(callbacks?.[2])).toBeGreaterThan(0);
    expect(Number(callbacks?.[3])).toBeGreaterThanOrEqual(3);
    expect(Number(callbacks?.[4])).toBe(4);
  });

  it('reports every fault with its outcome', () => {
    for (const fault of Object.keys(FAULTS)) expect(result.report).toContain(`| ${fault}: `);
    expect(result.report).not.toMatch(/\| FAIL +\|/);
  });

  describe('flow control at the minimum maxReceiveCount', () => {
    it("runs its queues at the definition's minimum, not a raised cap", () => {
      expect(flow.maxReceiveCount).toBe(5);
    });

    it('checks every flow-control invariant, and each passes', () => {
      expect(flow.invariants.map((i) => i.name)).toEqual([
        'rate-limited tasks admitted within burst + perSecond × w, each start with its token',
        'no key runs more than its concurrency limit at once',
        'every flow-controlled task ends, nothing lost',
        'no flow-controlled task dead-lettered through receive counts',
        'no attempt starts while its type is paused',
        'no attempt spent against an open breaker',
        'no unhandled error in the flow scenario',
      ]);
      expect(flow.invariants.filter((i) => !i.pass)).toEqual([]);
    });

    it('deferred tasks many times over, so receive counts would have shown', () => {
      expect(flow.deferrals).toBeGreaterThan(5 * 10);
    });
  });
});
