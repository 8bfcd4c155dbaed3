/**
 * The stateless stack deployed beside a stateful one named the default way
 * (`TaskpipeStateful` → `TaskpipeStateless`): it holds the alarm topic and the alarms.
 */
export const statelessStackName = (statefulStack: string) =>
  statefulStack.replace(/Stateful$/, 'Stateless');
