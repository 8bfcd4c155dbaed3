export { type AlarmNotice, alarmNoticeFrom } from './AlarmNotice.js';
export { type AlarmMessage, parseAlarmMessage } from './alarmMessage.js';
export {
  type LocalWebhook,
  type NotifierConfig,
  parseLocalWebhook,
  parseNotifierConfig,
} from './config.js';
export { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './deliver.js';
export {
  AlarmMessageError,
  NotificationFailedError,
  WebhookDeliveryError,
  WebhookSecretError,
} from './errors.js';
export { fetchHttp } from './fetchHttp.js';
export { FORMATTERS, type WebhookKind, type WebhookPayload } from './formatters/index.js';
export {
  Notifier,
  type NotifierOptions,
  type NotifyReport,
  type SnsAlarmEvent,
  type WebhookTarget,
} from './Notifier.js';
export type {
  HttpAnswer,
  HttpPort,
  SecretProvider,
  WebhookRequest,
  WebhookSecret,
} from './ports.js';
export { StaticSecretProvider } from './StaticSecretProvider.js';
