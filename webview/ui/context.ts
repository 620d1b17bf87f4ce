import type { IncidentIndex, NavTarget } from '../model/navigation';
import type { Zone } from '../../src/model/time';

/** What every part of the view can ask of the app. */
export interface ViewContext {
  readonly index: IncidentIndex;
  readonly zone: Zone;
  /** Opens a file location or diff in the editor, or selects an event in the timeline. */
  navigate(target: NavTarget | null): void;
  /** Switches to the timeline and selects the event standing for a trigger/decision/snapshot id. */
  showInTimeline(ref: string): void;
  /** Opens the baseline → post diff of a changed path. */
  openChangeDiff(path: string): void;
}

/** What outlives one incident render (the postmortem view): everything but the index. */
export type StableContext = Omit<ViewContext, 'index'>;
