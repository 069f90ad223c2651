import type { Command } from 'commander';
import { defaultChecks } from '../../doctor/default-checks.js';
import { type DoctorReport, runDoctor } from '../../doctor/doctor.js';
import type { DoctorCheck, Finding } from '../../doctor/doctor-check.js';
import { DEFAULT_RETENTION_MAX_AGE_MS, openDoctorContext } from '../../doctor/doctor-context.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

interface DoctorCliOptions {
  json?: boolean;
  expectRunning?: boolean;
  retentionMaxAge: string;
}

/** `extraChecks`: where later issues plug in their checks (admin TLS, 2FA, number of admins). */
export function doctorCommand(program: Command, io: CliIo, extraChecks: readonly DoctorCheck[] = []): void {
  program
    .command('doctor')
    .description('check the security baseline; exits 1 when a check fails, so monitoring can run it')
    .option('--json', 'print the findings as JSON')
    .option('--expect-running', 'a koppel should be running here: retention must have run recently')
    .option(
      '--retention-max-age <minutes>',
      'how long ago retention may have run with --expect-running',
      String(DEFAULT_RETENTION_MAX_AGE_MS / 60_000),
    )
    .action(async (options: DoctorCliOptions) => {
      const minutes = Number(options.retentionMaxAge);
      if (!Number.isFinite(minutes) || minutes <= 0)
        throw new Error('--retention-max-age must be a positive number of minutes');
      const config = configFrom(program.opts<GlobalOptions>(), io);
      const context = await openDoctorContext(config, io.env, {
        expectRunning: options.expectRunning ?? false,
        retentionMaxAgeMs: minutes * 60_000,
      });
      let report: DoctorReport;
      try {
        report = await runDoctor(context, [...defaultChecks(), ...extraChecks]);
      } finally {
        await context.store?.close();
      }
      if (options.json) io.out(JSON.stringify(report, null, 2));
      else for (const line of describe(report)) io.out(line);
      if (!report.ok) throw new Error(`${report.counts.fail} check(s) failed`);
    });
}

const LABEL: Record<Finding['status'], string> = { fail: 'FAIL', warn: 'WARN', pass: 'ok  ', skip: 'skip' };
const ORDER: Finding['status'][] = ['fail', 'warn', 'pass', 'skip'];

function describe(report: DoctorReport): string[] {
  const { counts } = report;
  const lines = [
    `koppel doctor: ${counts.fail} failed, ${counts.warn} warning(s), ${counts.pass} passed, ${counts.skip} skipped`,
    '',
  ];
  const sorted = [...report.findings].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
  for (const f of sorted) {
    lines.push(`${LABEL[f.status]}  ${f.id}: ${f.summary}`);
    if (f.explanation) lines.push(`      why: ${f.explanation}`);
    if (f.fix) lines.push(`      fix: ${f.fix}`);
  }
  return lines;
}
