import path from 'node:path';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { incidentList, incidentsNewestFirst } from '../engine/incidents';
import { code, inline, table } from '../engine/report/markdownText';
import { reportText } from '../engine/report/exportReport';
import { isoTime } from '../engine/report/timeText';
import type { SnapshotStore } from '../engine/snapshotStore';

export type StoreUser = <T>(fn: (store: SnapshotStore) => Promise<T>) => Promise<T>;

const MARKDOWN = 'text/markdown';
export const INCIDENTS_URI = 'incident-replay://incidents';
export const LATEST_REPORT_URI = 'incident-replay://reports/latest';

/** The postmortem report as `incident-replay report` writes it, rendered in memory (links relative to the workspace). */
async function reportMarkdown(store: SnapshotStore, id: string): Promise<string> {
  const report = await reportText(store, id, {
    format: 'md',
    fileFor: (incident) => path.join(store.workspaceRoot, `${incident.id}.md`),
    now: Date.now(),
  });
  return report.text;
}

async function incidentsMarkdown(store: SnapshotStore): Promise<string> {
  const list = await incidentsNewestFirst(store);
  if (list.length === 0) return '# Incidents\n\nNone recorded yet: call the `analyze` tool after something broke.\n';
  const rows = list.map((i) => [
    code(i.id),
    isoTime(i.createdAt),
    i.severity,
    i.status,
    `${code(i.category)} ${Math.round(i.confidence * 100)}%`,
    inline(i.title),
  ]);
  return `# Incidents\n\n${table(['Incident', 'Created', 'Severity', 'Status', 'Root cause', 'Title'], rows)}\n`;
}

/** Incidents and the latest report as markdown, read fresh from the store on every read. */
export function registerResources(server: McpServer, use: StoreUser): void {
  server.registerResource(
    'incidents',
    INCIDENTS_URI,
    { title: 'Incidents', description: 'Every recorded incident, newest first', mimeType: MARKDOWN },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: MARKDOWN, text: await use(incidentsMarkdown) }],
    }),
  );

  server.registerResource(
    'latest-report',
    LATEST_REPORT_URI,
    { title: 'Latest incident report', description: 'The postmortem report of the newest incident', mimeType: MARKDOWN },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: MARKDOWN,
          text: await use(async (store) => {
            const [latest] = await incidentsNewestFirst(store);
            return latest ? reportMarkdown(store, latest.id) : '# No incident yet\n\nCall the `analyze` tool after something broke.\n';
          }),
        },
      ],
    }),
  );

  const template = new ResourceTemplate('incident-replay://incidents/{id}', {
    list: async () => ({
      resources: await use(async (store) =>
        (await incidentList(store)).map((i) => ({
          uri: `${INCIDENTS_URI}/${i.id}`,
          name: i.id,
          title: `${i.id}: ${i.title}`,
          mimeType: MARKDOWN,
        })),
      ),
    }),
  });
  server.registerResource(
    'incident',
    template,
    { title: 'Incident report', description: "One incident's postmortem report", mimeType: MARKDOWN },
    async (uri, vars) => {
      const id = Array.isArray(vars.id) ? vars.id[0] : vars.id;
      return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text: await use((store) => reportMarkdown(store, id ?? '')) }] };
    },
  );
}
