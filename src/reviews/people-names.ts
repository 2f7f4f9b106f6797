import type { DataSource, EntityManager } from 'typeorm';
import { displayNames } from '../auth/display-names.js';
import type { ReviewDto } from './dto/review.dto.js';

/** Who finalized or acknowledged each review, by name (see displayNames). */
export async function withPeopleNames(db: DataSource | EntityManager, reviews: ReviewDto[]): Promise<ReviewDto[]> {
  const nameOf = await displayNames(
    db,
    reviews.flatMap((r) => [r.finalizedBy, r.acknowledgedBy]),
  );
  return reviews.map((r) => ({ ...r, finalizedBy: nameOf(r.finalizedBy), acknowledgedBy: nameOf(r.acknowledgedBy) }));
}
