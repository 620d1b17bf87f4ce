/**
 * What the extension reads back from a webview's saved state when VS Code restores a panel after
 * a reload (`WebviewPanelSerializer`). The webview keeps more (tab, filters, scroll); the host
 * only needs to know which incident of which folder the panel showed.
 */
import { isObject, isString } from './guards';

export interface PanelIdentity {
  folder: string;
  incidentId: string;
}

/** Incident ids are short (`INC-0001`); anything else in a restored state is not ours. */
const INCIDENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function readPanelIdentity(state: unknown): PanelIdentity | null {
  if (!isObject(state)) return null;
  const { folder, incidentId } = state;
  if (!isString(folder) || folder.length === 0 || !isString(incidentId) || !INCIDENT_ID.test(incidentId)) return null;
  return { folder, incidentId };
}
