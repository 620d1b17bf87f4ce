import path from 'node:path';
import { redactLikelySecrets } from '../content/redact';
import { markdownOwnership, stampMarkdown, type Ownership } from './generatedFile';
import { documentJson, documentYaml, jsonOwnership, reportDocument, yamlOwnership } from './reportDocument';
import type { ReportFormat } from './reportFile';
import type { ReportFacts } from './reportFacts';
import { renderReportMarkdown } from './reportMarkdown';
import { linkBase } from './workspaceLinks';

export interface RenderReportOptions {
  format: ReportFormat;
  /** Absolute path of the file the report will be written to: links are relative to its folder. */
  file: string;
  workspaceRoot: string;
  now: number;
}

/** The file's full text, marker included. */
export function renderReport(facts: ReportFacts, opts: RenderReportOptions): string {
  switch (opts.format) {
    case 'md': {
      const body = renderReportMarkdown({ ...facts, links: linkBase(path.dirname(opts.file), opts.workspaceRoot), generatedAt: opts.now });
      // The facts are redacted already; this pass covers anything the rendering put together.
      return stampMarkdown(redactLikelySecrets(body));
    }
    case 'json':
      return documentJson(reportDocument(facts, opts.now));
    case 'yaml':
      return documentYaml(reportDocument(facts, opts.now));
  }
}

/** How each format tells the tool's untouched output from an edited or foreign file. */
export const OWNERSHIP: Record<ReportFormat, (text: string) => Ownership> = {
  md: markdownOwnership,
  json: jsonOwnership,
  yaml: yamlOwnership,
};
