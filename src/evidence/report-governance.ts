/**
 * The governance sections of report.md: the approvals that let the run proceed (who, when, signed with which
 * verified key, what they signed off, and who did not count) and the freeze it overrode (by whom, why).
 */
import type { RunGovernance } from '../types.js';

/** Sections for a run's governance record: none when the environment has no approvals and no freeze was overridden. */
export function governanceSections(governance: RunGovernance | undefined, cell: (text: string | undefined) => string): Array<[string, string]> {
  const sections: Array<[string, string]> = [];
  const approvals = governance?.approvals;
  if (approvals) {
    const rows = approvals.counted.map((c) => `| ${cell(c.who)} | ${c.at} | ${c.signed ? `verified signer, key \`${cell(c.key)}\`` : 'not signed'} |`);
    const lines = [
      `${approvals.counted.length} of ${approvals.required} required approval${approvals.required === 1 ? '' : 's'}:`,
      '',
      ...(rows.length ? ['| Approver | Given | Signature |', '| --- | --- | --- |', ...rows] : ['none needed']),
    ];
    if (approvals.checklist.length) {
      lines.push('', ...approvals.checklist.map((c) => `- [x] ${cell(c.item)} — ${c.verify ? `verified by Runway (${c.verify})` : `signed off by ${cell(c.by.join(', '))}`}`));
    }
    if (approvals.refused.length) lines.push('', 'Not counted:', ...approvals.refused.map((r) => `- ${cell(r.who)}: ${cell(r.why)}`));
    sections.push(['Approvals', lines.join('\n')]);
  }
  const override = governance?.freezeOverride;
  if (override) {
    sections.push(['Freeze Override', [
      `- Freeze: ${cell(override.freeze)}, until ${override.until} ${override.timezone}`,
      `- Overridden by: ${cell(override.by)} (freeze.override: ${cell(override.via)})`,
      `- Reason: ${cell(override.reason)}`,
    ].join('\n')]);
  }
  return sections;
}
