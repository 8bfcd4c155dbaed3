import type { DefinitionOf, TaskRegistry } from '../core/registry.js';
import type { AnyTaskDefinition, EnqueueOptions, PayloadOf } from '../core/task.js';

/** The task definitions a registry holds. */
export type DefinitionsOf<R> = R extends TaskRegistry<infer T> ? T : never;

/** The type names a registry knows. */
export type TypeOf<R> = DefinitionsOf<R>['type'];

/** The payload a registry's type `K` accepts: its schema's input type. */
export type PayloadFor<R, K extends string> = PayloadOf<DefinitionOf<DefinitionsOf<R>, K>>;

/** One entry of a batch: a type with its own payload type, plus options. */
export type ClientTaskRequest<T extends AnyTaskDefinition> = {
  [K in T['type']]: {
    type: K;
    payload: PayloadOf<DefinitionOf<T, K>>;
    traceId?: string;
    /** A W3C `traceparent`: the task joins the producer's trace. */
    traceparent?: string;
  } & EnqueueOptions;
}[T['type']];
