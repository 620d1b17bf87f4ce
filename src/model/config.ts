/** The workspace config file every process looks for at the root of a workspace folder. */
export const CONFIG_FILE_NAME = 'incident-replay.json';
