import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';

export interface TaskTableProps {
  /**
   * Refuse DeleteTable calls while set.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Add the `byType` index for listing a type's tasks by time; one more billed write per
   * status write.
   * @default false
   */
  readonly typeIndex?: boolean;
}

/**
 * The task status table (DESIGN §4): keyed by task id, on-demand, point-in-time recovery,
 * TTL on the expiry attribute, and the sparse indexes on failed tasks (by type, and all). Retained on stack
 * deletion. Key names come from the shared table schema.
 */
export class TaskTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: TaskTableProps = {}) {
    super(scope, id);
    const failures = TASK_TABLE.failureIndex;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TASK_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TASK_TABLE.ttlAttribute,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: failures.name,
      partitionKey: { name: failures.partitionKey, type: AttributeType.STRING },
      sortKey: { name: failures.sortKey, type: AttributeType.NUMBER },
      projectionType: ProjectionType.ALL,
    });
    const allFailures = TASK_TABLE.allFailuresIndex;
    this.table.addGlobalSecondaryIndex({
      indexName: allFailures.name,
      partitionKey: { name: allFailures.partitionKey, type: AttributeType.STRING },
      sortKey: { name: allFailures.sortKey, type: AttributeType.NUMBER },
      projectionType: ProjectionType.ALL,
    });
    if (props.typeIndex) {
      const byType = TASK_TABLE.typeIndex;
      this.table.addGlobalSecondaryIndex({
        indexName: byType.name,
        partitionKey: { name: byType.partitionKey, type: AttributeType.STRING },
        sortKey: { name: byType.sortKey, type: AttributeType.NUMBER },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
