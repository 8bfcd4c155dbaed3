/**
 * Adapts a synthesized template to what moto's CloudFormation can create. Each change
 * answers a gap of moto 5.2, never a problem of the template (cfn-lint and cdk-nag check
 * the template as AWS takes it):
 * - moto has no CloudFormation support for CloudWatch alarms, dashboards that name them,
 *   SQS queue policies, API Gateway v2 or Scheduler schedule groups, and a `GetAtt` of such a resource fails the
 *   stack: they are left out, and references to them become placeholder strings;
 * - moto passes `Fn::GetStackOutput` through unresolved: the producing stack's outputs are
 *   put in its place.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON
type Json = any;

/** Resource types moto 5.2 cannot create from a template. */
export const MOTO_UNSUPPORTED = [
  /^AWS::CloudWatch::(Alarm|Dashboard)$/,
  /^AWS::SQS::QueuePolicy$/,
  /^AWS::ApiGatewayV2::/,
  // moto 5.2 has the Scheduler API (the delay tests use it) but no CloudFormation for it.
  /^AWS::Scheduler::ScheduleGroup$/,
];

/** What was left out of a template for moto, by logical id and type. */
export type LeftOut = Record<string, string>;

/**
 * The template, ready for moto: unsupported resources out, cross-stack outputs resolved
 * from `outputs` (stack name → output key → value).
 */
export function forMoto(
  template: Json,
  outputs: Record<string, Record<string, string>>,
): { template: Json; leftOut: LeftOut } {
  const leftOut: LeftOut = {};
  const resources: Record<string, Json> = {};
  for (const [id, resource] of Object.entries(template.Resources as Record<string, Json>)) {
    if (MOTO_UNSUPPORTED.some((type) => type.test(resource.Type))) leftOut[id] = resource.Type;
    else resources[id] = resource;
  }
  const resolve = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    const ref = node['Fn::GetStackOutput'];
    if (ref) {
      const value = outputs[ref.StackName]?.[ref.OutputName];
      if (value === undefined) throw new Error(`no output ${ref.OutputName} of ${ref.StackName}`);
      return value;
    }
    if (typeof node.Ref === 'string' && leftOut[node.Ref]) return `left-out:${node.Ref}`;
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && leftOut[getAtt[0]]) return `left-out:${getAtt.join('.')}`;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  for (const resource of Object.values(resources)) {
    if (Array.isArray(resource.DependsOn)) {
      resource.DependsOn = resource.DependsOn.filter((id: string) => !leftOut[id]);
    }
  }
  return {
    template: resolve({ ...template, Resources: resources }),
    leftOut,
  };
}
