import { App } from 'aws-cdk-lib';
import { pipelineDefinition } from '../definition/index.js';
import { registry } from '../functions/tasks/index.js';
import { buildTaskpipeApp } from './buildTaskpipeApp.js';

// The CDK app entry (cdk.json). Context is read here, once:
//   -c taskpipe:terminationProtection=false   allow deleting the stateful stack
const app = new App();
const protection = app.node.tryGetContext('taskpipe:terminationProtection');

buildTaskpipeApp(app, {
  definition: pipelineDefinition,
  registry,
  terminationProtection: protection !== false && protection !== 'false',
});
