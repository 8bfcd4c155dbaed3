import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskPipeline } from '../../infra/index.js';
import { STUB_ENTRY, synthTaskpipe, tempDir, testApp, testRegistry } from './fixtures.js';
import { definitionWithWebhooks } from './monitoringFixtures.js';

/**
 * Warnings cfn-lint may report on our templates, each with why it stays:
 * - W3005: CDK gives each function (consumer, api, notifier) an explicit DependsOn on its
 *   role next to the role's GetAtt; the dependency is redundant, not wrong, and comes from
 *   aws-lambda.
 */
const KNOWN_WARNINGS = new Set(['W3005']);

interface Finding {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!available) {
  const reason = 'cfn-lint is not on PATH (pip install cfn-lint)';
  if (process.env.CI) throw new Error(`${reason}; CI must lint every synthesized template`);
  console.warn(`Skipping the cfn-lint tests: ${reason}.`);
}

describe.skipIf(!available)('cfn-lint', () => {
  let templates: string[] = [];
  let findings: Finding[] = [];

  beforeAll(() => {
    const outdir = tempDir('cfn-lint');
    // With CDK's own CloudFormation validation too: its findings fail the synth (cdk.json).
    // With webhooks, so the notifier and a stack-created webhook secret are linted too.
    synthTaskpipe({
      outdir: join(outdir, 'app'),
      validate: true,
      definition: definitionWithWebhooks,
    });
    // A FIFO pipeline with a JWT-authorized API and X-Ray tracing in one stack: the other
    // shape the constructs produce.
    const single = testApp({ outdir: join(outdir, 'single'), validate: true });
    new TaskPipeline(new Stack(single, 'Single'), 'Pipeline', {
      definition: {
        defaultPriority: 'ordered',
        tracing: true,
        queues: [{ priority: 'ordered', maxConcurrency: 5, fifo: true }],
        schedules: [{ name: 'tick', expression: 'rate(5 minutes)', type: 'report.build' }],
        api: {
          authorization: { type: 'jwt', issuer: 'https://issuer.example.com/', audience: ['a'] },
        },
      },
      registry: testRegistry,
      consumerEntry: STUB_ENTRY,
      apiEntry: STUB_ENTRY,
    });
    single.synth();
    templates = ['app', 'single'].flatMap((dir) =>
      readdirSync(join(outdir, dir))
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => join(outdir, dir, f)),
    );
    const run = spawnSync('cfn-lint', ['--format', 'json', ...templates], { encoding: 'utf8' });
    // Exit status is a bit mask of errors (2), warnings (4) and notes (8); 1 is a crash.
    if (run.status === null || run.status === 1) {
      throw new Error(`cfn-lint failed to run (status ${run.status}): ${run.stderr}`);
    }
    findings = JSON.parse(run.stdout || '[]') as Finding[];
    for (const f of findings) {
      console.info(`cfn-lint ${f.Level} ${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`);
    }
  });

  it('lints every synthesized template', () => {
    expect(templates.map((t) => t.split('/').at(-1))).toEqual([
      'TaskpipeStateful.template.json',
      'TaskpipeStateless.template.json',
      'Single.template.json',
    ]);
  });

  it('reports no errors', () => {
    expect(findings.filter((f) => f.Level === 'Error')).toEqual([]);
  });

  it('reports only the warnings documented above', () => {
    const unexpected = findings.filter(
      (f) => f.Level !== 'Error' && !KNOWN_WARNINGS.has(f.Rule.Id),
    );
    expect(unexpected).toEqual([]);
  });
});
