/**
 * Errors that reach a user. Each carries the exit code the CLI uses:
 * 2 for bad usage or bad input (the message says what to fix), 1 for a job that failed.
 */
export class IncidentReplayError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a missing workspace, an unknown snapshot ref, an invalid config file. */
export class InputError extends IncidentReplayError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A file the tool would write exists and is a person's (edited by hand, or never the tool's): only forced writes replace it. */
export class WouldOverwriteError extends InputError {
  constructor(
    readonly file: string,
    /** 'edited': the tool wrote it and a person changed it since; 'foreign': the tool never wrote it. */
    readonly owner: 'edited' | 'foreign',
  ) {
    super(
      owner === 'edited'
        ? `${file} was edited by hand after incident-replay wrote it: pass --force to overwrite it (your edits will be lost), or --out to write elsewhere`
        : `${file} exists and was not written by incident-replay: pass --force to overwrite it, or --out to write elsewhere`,
    );
  }
}

/** One problem in a config file, located by its key path (`triggers.configGlobs[2]`). */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`invalid config ${file}: ` + problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
  }
}

/** The store's database could not be read and was moved aside. */
export class CorruptDatabaseError extends IncidentReplayError {
  constructor(
    message: string,
    readonly movedTo: string,
  ) {
    super(message, 1);
  }
}

/** The job itself failed (I/O, a lock that could not be taken in time...). */
export class JobError extends IncidentReplayError {
  constructor(message: string) {
    super(message, 1);
  }
}
