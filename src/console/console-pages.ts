/**
 * The console's pages: the path the browser asks for, and the page module (console/pages/<page>.js)
 * the shell loads for it. The server is the one place that knows these routes; it names the page on
 * the shell's <body>, so the browser code has no router of its own.
 */
export interface ConsolePage {
  path: string;
  page: string;
  /** Shown without a session (the login and enrolment pages). */
  public?: boolean;
}

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { path: '/login', page: 'login', public: true },
  { path: '/enrol', page: 'enrol', public: true },
  { path: '/', page: 'dashboard' },
  { path: '/tenants/:id', page: 'tenant' },
  { path: '/tenants/:id/mapping', page: 'mapping' },
  { path: '/runs', page: 'runs' },
  { path: '/dead-letters', page: 'dead-letters' },
  { path: '/register', page: 'register' },
  { path: '/incidents', page: 'incidents' },
  { path: '/incidents/:id', page: 'incident' },
  { path: '/audit', page: 'audit' },
  { path: '/settings', page: 'settings' },
];
