// Every migration, in order. `npm run migration:generate` appends new ones here.
import { Initial1795870243738 } from './1795870243738-Initial.js';
import { Auth1795872521189 } from './1795872521189-Auth.js';
import { SearchIndexes1795873800000 } from './1795873800000-SearchIndexes.js';
import { IssuedScorecards1795874125090 } from './1795874125090-IssuedScorecards.js';
import { Exports1795874630344 } from './1795874630344-Exports.js';
import { EmployeeSearchColumns1795884516924 } from './1795884516924-EmployeeSearchColumns.js';
import { ReviewEmployeeNo1795884863384 } from './1795884863384-ReviewEmployeeNo.js';
import { ReviewsToastTemplate1795885500000 } from './1795885500000-ReviewsToastTemplate.js';
import { EmployeeActiveNumberIndex1795885600000 } from './1795885600000-EmployeeActiveNumberIndex.js';
import { ReviewTemplateVersionForeignKey1795886865932 } from './1795886865932-ReviewTemplateVersionForeignKey.js';
import { PdfStorageExternal1795887000000 } from './1795887000000-PdfStorageExternal.js';
import { ListChanges1795888000000 } from './1795888000000-ListChanges.js';
import { EmployeeSearchGrams1795888100000 } from './1795888100000-EmployeeSearchGrams.js';
import { ImportRuns1795889000000 } from './1795889000000-ImportRuns.js';
import { ReviewStages1796400848340 } from './1796400848340-ReviewStages.js';
import { ReminderSendings1796500000000 } from './1796500000000-ReminderSendings.js';
import { ReviewBulkRuns1796600000000 } from './1796600000000-ReviewBulkRuns.js';
import { PasswordResets1796700000000 } from './1796700000000-PasswordResets.js';
import { ReviewCounts1796800000000 } from './1796800000000-ReviewCounts.js';
import { ExportItemsNameIssuedScorecard1796900000000 } from './1796900000000-ExportItemsNameIssuedScorecard.js';
export const migrations = [
  Initial1795870243738,
  Auth1795872521189,
  SearchIndexes1795873800000,
  IssuedScorecards1795874125090,
  Exports1795874630344,
  EmployeeSearchColumns1795884516924,
  ReviewEmployeeNo1795884863384,
  ReviewsToastTemplate1795885500000,
  EmployeeActiveNumberIndex1795885600000,
  ReviewTemplateVersionForeignKey1795886865932,
  PdfStorageExternal1795887000000,
  ListChanges1795888000000,
  EmployeeSearchGrams1795888100000,
  ImportRuns1795889000000,
  ReviewStages1796400848340,
  ReminderSendings1796500000000,
  ReviewBulkRuns1796600000000,
  PasswordResets1796700000000,
  ReviewCounts1796800000000,
  ExportItemsNameIssuedScorecard1796900000000,
];
