import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

export const IMPORT_MODES = ['dry-run', 'commit'] as const;

export class ImportQueryDto {
  @ApiProperty({ enum: IMPORT_MODES, description: 'dry-run: report only; commit: apply (after a dry run of the same file)' })
  @IsIn(IMPORT_MODES)
  mode: (typeof IMPORT_MODES)[number];

  @ApiPropertyOptional({ default: false, description: 'Commit the acceptable rows even though the dry run refused some' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  skipRefused?: boolean;
}

export class ImportUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: '.xlsx or .csv (UTF-8 with or without BOM, GB18030/GBK; comma, semicolon or tab)' })
  file: unknown;
}

export class ImportRowErrorDto {
  @ApiProperty({ description: 'Row number as Excel shows it' }) row: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Worksheet (XLSX with several sheets)' }) sheet?: string | null;
  @ApiProperty({ description: 'Column header' }) column: string;
  @ApiProperty() message: string;
  @ApiProperty() messageZh: string;
}

export class ImportFieldChangeDto {
  @ApiProperty() field: string;
  @ApiProperty({ type: String, nullable: true }) before: string | null;
  @ApiProperty({ type: String, nullable: true }) after: string | null;
}

export class ImportCountsDto {
  @ApiProperty() create: number;
  @ApiProperty() update: number;
  @ApiProperty() unchanged: number;
  @ApiProperty({ description: 'Rows refused' }) refused: number;
}

export class EmployeeImportChangeDto {
  @ApiProperty() row: number;
  @ApiProperty({ enum: ['create', 'update'] }) action: 'create' | 'update';
  @ApiProperty() employeeNo: string;
  @ApiProperty({ type: [ImportFieldChangeDto] }) fields: ImportFieldChangeDto[];
}

export class ImportReportBaseDto {
  @ApiProperty({ format: 'uuid', description: "This run; a commit's id is in the audit of every change it made" }) importId: string;
  @ApiProperty({ enum: IMPORT_MODES }) mode: (typeof IMPORT_MODES)[number];
  @ApiProperty({ description: 'SHA-256 of the file, hex' }) fileHash: string;
  @ApiProperty() fileName: string;
  @ApiProperty({ description: 'A commit that changed data' }) committed: boolean;
  @ApiProperty({ type: ImportCountsDto }) counts: ImportCountsDto;
  @ApiProperty({ type: [ImportRowErrorDto], description: 'Refused rows, in row order' }) refused: ImportRowErrorDto[];
  @ApiProperty({ type: [String], description: 'Header cells that name no known column (ignored)' }) ignoredColumns: string[];
  @ApiProperty({ description: 'The outcome in a sentence' }) message: string;
  @ApiProperty() messageZh: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The audit of a commit: GET this' }) auditUrl: string | null;
}

export class EmployeeImportReportDto extends ImportReportBaseDto {
  @ApiProperty({ type: [EmployeeImportChangeDto] }) changes: EmployeeImportChangeDto[];
}

export class ActualsImportReviewDto {
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['start', 'update'], description: "start: a draft is started (pinning the role's published template) for the values" }) action:
    'start' | 'update';
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) reviewId: string | null;
  @ApiProperty({ type: [Number], description: 'Rows of the file for this review' }) rows: number[];
  @ApiProperty({ type: Number, nullable: true }) totalBefore: number | null;
  @ApiProperty() totalAfter: number;
  @ApiProperty({ type: [ImportFieldChangeDto], description: 'Per KPI key: the input before → after (JSON)' }) fields: ImportFieldChangeDto[];
}

export class ActualsImportReportDto extends ImportReportBaseDto {
  @ApiProperty({ enum: ['long', 'wide'], description: 'long: one row per employee and KPI; wide: one row per employee, one column per KPI' }) layout:
    'long' | 'wide';
  @ApiProperty({ type: [ActualsImportReviewDto], description: 'Reviews that change, with their totals before and after' }) reviews: ActualsImportReviewDto[];
}
