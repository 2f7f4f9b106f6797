import { describe, expect, it } from '@jest/globals';
import { staleVersion as staleVersionError, throttled } from '../common/errors.js';
import { ManagerCommentDto, ReopenDto } from '../reviews/dto/review.dto.js';
import { attempt, formRefusal, type Problem, submitForm } from './page-form.js';
import { PageRedirect, PageView, page, seeOther } from './page-response.js';

const back = (problem: Problem) => page('review', { problem }, { title: 'review.title', status: problem.status });

describe('submitForm', () => {
  it("refuses what the API's DTO refuses, with its message, and never calls the service", async () => {
    let called = false;
    const answer = await submitForm({
      dto: ReopenDto,
      input: { version: 3, reason: 'r'.repeat(2001) },
      call: () => {
        called = true;
        return Promise.resolve();
      },
      refused: back,
      done: () => seeOther('/reviews/x', 'reopened'),
    });
    expect(called).toBe(false);
    expect(answer).toBeInstanceOf(PageView);
    const problem = ((answer as PageView).model as { problem: Problem }).problem;
    expect(problem).toEqual({ status: 400, message: 'reason must be 3 to 2000 characters', errors: { reason: 'reason must be 3 to 2000 characters' } });
    expect(problem.code).toBeUndefined();
  });

  it('calls the service with the checked DTO, then goes on', async () => {
    let saved = '';
    const answer = await submitForm({
      dto: ManagerCommentDto,
      input: { version: 2, comment: 'Strong year' },
      call: (dto) => {
        saved = dto.comment;
        return Promise.resolve({ id: 'r1' });
      },
      refused: back,
      done: (r) => seeOther(`/reviews/${r.id}`, 'commented'),
    });
    expect(saved).toBe('Strong year');
    expect(answer).toEqual(new PageRedirect('/reviews/r1', 'commented'));
    expect((answer as PageRedirect).url).toBe('/reviews/r1?notice=commented');
  });

  it('gives a refusal its code and the facts pages act on', async () => {
    const refusedWith = async (err: unknown) => {
      const answer = await attempt({ call: () => Promise.reject(err as Error), refused: back, done: () => seeOther('/') });
      return ((answer as PageView).model as { problem: Problem }).problem;
    };
    expect(await refusedWith(staleVersionError('changed by someone else', { currentVersion: 5, yourVersion: 4 }))).toMatchObject({
      status: 409,
      code: 'STALE_VERSION',
      currentVersion: 5,
    });
    expect(await refusedWith(throttled('Too many failed sign-ins; try again in 42 s', 42))).toMatchObject({
      status: 429,
      code: 'THROTTLED',
      retryAfterSeconds: 42,
    });
  });

  it('leaves errors a form cannot show to the error page', async () => {
    await expect(attempt({ call: () => Promise.reject(new Error('boom')), refused: back, done: () => seeOther('/') })).rejects.toThrow('boom');
    expect(() => formRefusal(new TypeError('x'))).toThrow(TypeError);
  });
});

describe('seeOther', () => {
  it('keeps a hash after the notice and puts only ASCII in the Location header', () => {
    expect(seeOther('/admin/templates/t1#draft', 'draftSaved').url).toBe('/admin/templates/t1?notice=draftSaved#draft');
    expect(seeOther('/reviews?q=张三').url).toBe('/reviews?q=%E5%BC%A0%E4%B8%89');
  });
});
