import { Injectable } from '@nestjs/common';

/**
 * The time as the app sees it. Due dates and overdue flags read it instead of `new Date()`, so a
 * test can move the whole app to another day (`travelTo`) and see stages fall due.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Today's calendar date (YYYY-MM-DD) in `timeZone`: due dates are days in the company's zone. */
  today(timeZone: string): string {
    return calendarDate(this.now(), timeZone);
  }

  /** Moves the app's time so that now() is `moment` (it keeps running from there); null goes back. */
  travelTo(moment: Date | null): void {
    this.offsetMs = moment ? moment.getTime() - Date.now() : 0;
  }
}

// Cached per zone: building a format costs far more than using one, and every review read asks
// for today (docs/decisions/0003-cached-intl-formats.md).
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The YYYY-MM-DD of a moment in an IANA time zone. */
export function calendarDate(moment: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(moment);
}
