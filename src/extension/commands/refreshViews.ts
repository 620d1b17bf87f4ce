import type { Command } from './command';
import { COMMAND_IDS } from './ids';

/** Re-reads the stores (another process, such as the CLI, may have changed them). */
export const refreshViews: Command = {
  id: COMMAND_IDS.refreshViews,
  title: 'Refresh',
  run(services) {
    services.notifyChanged();
    return Promise.resolve(undefined);
  },
};
