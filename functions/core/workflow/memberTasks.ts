import type { DerivedTask } from '../service/prepareTask.js';
import { memberId } from './workflowIds.js';

/**
 * The id and link of member `offset + index`: the id derives from the group and the index,
 * so a repeated add (same offset) names the same tasks and creates none twice. `size` is set
 * when the group is sealed at creation, and spares each member a read of the group.
 */
export function memberDerivation(
  groupId: string,
  offset: number,
  size?: number,
): (index: number) => DerivedTask {
  return (index) => {
    const at = offset + index;
    return {
      id: memberId(groupId, at),
      links: { group: { id: groupId, index: at, ...(size === undefined ? {} : { size }) } },
    };
  };
}
