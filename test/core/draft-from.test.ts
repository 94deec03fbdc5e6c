import { describe, expect, it } from 'vitest';
import { draftFrom, fieldSpec } from '../../src/courses/request-fields';

/** The draft the new-ticket sidebar and the help-desk page send to /api/validate from a form's values. */
describe('draftFrom', () => {
  it('turns dropdown tags into values, trims text, leaves blanks out', () => {
    expect(
      draftFrom([
        [fieldSpec('request_type'), 'orc_type_new'],
        [fieldSpec('course_kind'), 'orc_kind_xml'],
        [fieldSpec('course_number'), ' 8.01r '],
        [fieldSpec('team_members'), 'ada grace'],
        [fieldSpec('course_title'), ''],
        [fieldSpec('weeks'), null],
      ]),
    ).toEqual({ type: 'new', kind: 'xml', courseNumber: '8.01r', teamMembers: 'ada grace' });
  });

  it('leaves out a field the form hides for the chosen type, and every typed field before a type is chosen', () => {
    const values = [
      [fieldSpec('course_number'), '8.01r'],
      [fieldSpec('new_term'), '2027_Fall'],
    ] as const;
    expect(draftFrom([[fieldSpec('request_type'), 'orc_type_new'], ...values])).toEqual({ type: 'new', courseNumber: '8.01r' });
    expect(draftFrom([[fieldSpec('request_type'), 'orc_type_rerun'], ...values])).toEqual({ type: 'rerun', courseNumber: '8.01r', newTerm: '2027_Fall' });
    expect(draftFrom(values)).toEqual({});
  });
});
