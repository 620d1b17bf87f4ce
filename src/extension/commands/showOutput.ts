import type { Command } from './command';

export const SHOW_OUTPUT_ID = 'incidentReplay.showOutput';

export const showOutput: Command = {
  id: SHOW_OUTPUT_ID,
  title: 'Show Output',
  run(services) {
    services.log.show();
    return Promise.resolve(undefined);
  },
};
