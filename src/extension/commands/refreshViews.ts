import type { Command } from './command';

export const REFRESH_VIEWS_ID = 'incidentReplay.refreshViews';

/** Re-reads the stores (another process, such as the CLI, may have changed them). */
export const refreshViews: Command = {
  id: REFRESH_VIEWS_ID,
  title: 'Refresh',
  run(services) {
    services.notifyChanged();
    return Promise.resolve(undefined);
  },
};
