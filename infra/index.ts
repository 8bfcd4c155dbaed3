export * from './buildTaskpipeApp.js';
export * from './constructs/index.js';
export * from './stacks/TaskpipeStatefulStack.js';
export * from './stacks/TaskpipeStatelessStack.js';
