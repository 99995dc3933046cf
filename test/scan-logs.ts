/**
 * Run after the whole suite (scripts/test.sh): reads every log line the servers wrote during it (.tmp/test-logs:
 * in-process apps and child servers) and fails when one holds an ID number, a mobile phone number or a password
 * the tests used. security.md: "Logs never hold ID numbers, phones or passwords. Test: grep all logs captured
 * during the test suite."
 */
import fs from 'node:fs';
import path from 'node:path';
import { testPassword } from './factories.js';
import { testLogDir } from './log-capture.js';

export type LogFinding = { kind: 'id_number' | 'phone' | 'password'; match: string };

// An 18-character ID number or an 11-digit mainland mobile number standing alone (not inside a longer run of
// letters and digits such as a hash); passwords are the literal ones the unit and browser tests type.
const idNumberPattern = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const phonePattern = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
export const knownTestPasswords = [
  testPassword,
  'Qingnian-E2e-2026',
  'Shouci-Admin-2026',
  'Xin-Mima-Qingnian-88',
  'Wrong-Password-1',
  'not-the-password',
];

export function scanLogText(text: string, passwords: readonly string[] = knownTestPasswords): LogFinding[] {
  const findings: LogFinding[] = [];
  for (const match of text.matchAll(idNumberPattern)) findings.push({ kind: 'id_number', match: match[0] });
  for (const match of text.matchAll(phonePattern)) findings.push({ kind: 'phone', match: match[0] });
  for (const password of passwords) if (text.includes(password)) findings.push({ kind: 'password', match: password });
  return findings;
}

function main(): void {
  const files = fs.existsSync(testLogDir) ? fs.readdirSync(testLogDir).filter((name) => name.endsWith('.log')) : [];
  let lines = 0;
  let bad = 0;
  for (const name of files) {
    const text = fs.readFileSync(path.join(testLogDir, name), 'utf8');
    text.split('\n').forEach((line, index) => {
      if (line === '') return;
      lines += 1;
      for (const finding of scanLogText(line)) {
        bad += 1;
        // The value itself is not printed again: only where it is and what kind it is.
        const shown = `${finding.match.slice(0, 3)}…(${finding.match.length} characters)`;
        console.error(`${name}:${index + 1}: ${finding.kind} ${shown}`);
      }
    });
  }
  // A scan of nothing proves nothing: the suite writes tens of thousands of lines.
  if (lines < 1000) {
    console.error(`log scan: only ${lines} log lines in ${files.length} files under ${testLogDir}; did the suite run?`);
    process.exit(1);
  }
  console.log(`log scan: ${lines} log lines in ${files.length} files, ${bad} holding personal data or a password`);
  if (bad > 0) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
