import type { ComponentType } from 'preact';
import type { Location } from './hooks/useRoute.js';
import { DeadLettersPage } from './pages/DeadLettersPage.js';
import { EnqueuePage } from './pages/EnqueuePage.js';
import { FlowPage } from './pages/FlowPage.js';
import { GroupPage } from './pages/GroupPage.js';
import { OutboxMessagePage } from './pages/OutboxMessagePage.js';
import { OutboxPage } from './pages/OutboxPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SchedulesPage } from './pages/SchedulesPage.js';
import { TaskPage } from './pages/TaskPage.js';
import { TasksPage } from './pages/TasksPage.js';

export interface PageProps {
  params: Record<string, string>;
  location: Location;
}

/** A page per concern. Pages with `nav` appear in the navigation, in this order. */
export interface Page {
  path: string;
  title: string;
  nav?: true;
  component: ComponentType<PageProps>;
}

/** Every page of the console: the navigation and the routes are both read from here. */
export const PAGES: readonly Page[] = [
  { path: '/', title: 'Overview', nav: true, component: OverviewPage },
  { path: '/tasks', title: 'Tasks', nav: true, component: TasksPage },
  { path: '/tasks/:id', title: 'Task', component: TaskPage },
  { path: '/groups/:id', title: 'Group', component: GroupPage },
  { path: '/dead-letters', title: 'Dead letters', nav: true, component: DeadLettersPage },
  { path: '/schedules', title: 'Schedules', nav: true, component: SchedulesPage },
  { path: '/flow', title: 'Flow', nav: true, component: FlowPage },
  { path: '/enqueue', title: 'Enqueue', nav: true, component: EnqueuePage },
  { path: '/outbox', title: 'Outbox', nav: true, component: OutboxPage },
  { path: '/outbox/:id', title: 'Email', component: OutboxMessagePage },
];
