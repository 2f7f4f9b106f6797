import { ReviewAssessment } from '../assessments/review-assessment.entity.js';
import { AuditEntry } from '../audit/audit-entry.entity.js';
import { LoginAttempt } from '../auth/login-attempt.entity.js';
import { PasswordReset } from '../auth/password-reset.entity.js';
import { Session } from '../auth/session.entity.js';
import { User } from '../auth/user.entity.js';
import { CalibrationLock } from '../calibration/calibration-lock.entity.js';
import { Cycle } from '../cycles/cycle.entity.js';
import { Employee } from '../employees/employee.entity.js';
import { ExportItem } from '../exports/export-item.entity.js';
import { ExportJob } from '../exports/export-job.entity.js';
import { KpiTemplate, KpiTemplateVersion } from '../kpi-templates/kpi-template.entity.js';
import { Role } from '../kpi-templates/role.entity.js';
import { ReminderItem, ReminderSending } from '../reminders/reminder-sending.entity.js';
import { Review } from '../reviews/review.entity.js';
import { ReviewBulkRun } from '../reviews/review-bulk-run.entity.js';
import { ImportRun } from '../imports/import-run.entity.js';
import { IssuedScorecard } from '../scorecards/issued-scorecard.entity.js';

/** Listed, not globbed, so the same list works compiled (dist) and under Jest (TypeScript sources). */
export const entities = [
  Role,
  KpiTemplate,
  KpiTemplateVersion,
  Employee,
  Cycle,
  Review,
  AuditEntry,
  User,
  Session,
  LoginAttempt,
  IssuedScorecard,
  ExportJob,
  ExportItem,
  ImportRun,
  ReviewAssessment,
  CalibrationLock,
  ReminderSending,
  ReminderItem,
  ReviewBulkRun,
  PasswordReset,
];
