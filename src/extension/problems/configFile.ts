/** The workspace config file, at the root of each workspace folder (the engine reads the same name). */
export const CONFIG_FILE_NAME = 'incident-replay.json';
