/**
 * Imported first by `npm start`: the AWS SDK warns on Node 20 that future versions will need
 * Node 22. The project pins an SDK that runs on Node 20, so the warning is one a user of
 * the local runtime cannot act on. Set before any SDK client exists; an explicit value wins.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
