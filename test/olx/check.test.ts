import { describe, expect, it } from 'vitest';
import { termDates } from '../../src/courses/terms';
import { checkCourse } from '../../src/olx/check';
import type { OlxProblem } from '../../src/olx/problem';
import { cleanCourse, course, RUN } from './fixtures';

const term = { name: '2026_Fall', ...termDates('2026_Fall')! };
const check = (overrides: Record<string, string | null> = {}) => checkCourse(course(overrides), { term });
/** Each problem as "severity file:line message" (fix checked separately: never empty). */
const brief = (ps: OlxProblem[]) => ps.map((p) => `${p.severity} ${p.file}${p.line === undefined ? '' : `:${p.line}`} ${p.message}`);
const GRADING = `policies/${RUN}/grading_policy.json`;
const POLICY = `policies/${RUN}/policy.json`;

describe('the OLX course check', () => {
  it('finds nothing in a clean course', () => {
    expect(check()).toEqual([]);
  });

  it('gives every problem a fix', () => {
    const ps = check({ 'course.xml': '<course url_name="x"' });
    expect(ps.length).toBeGreaterThan(0);
    expect(ps.every((p) => p.fix.length > 10)).toBe(true);
  });

  describe('the course tree', () => {
    it('a missing course.xml blocks, and nothing else can be walked', () => {
      expect(brief(check({ 'course.xml': null }))).toEqual(['blocking course.xml is missing']);
    });

    it('course.xml without a run blocks', () => {
      expect(brief(check({ 'course.xml': '\n<course org="MITx" course="8.01r"/>' }))).toEqual(['blocking course.xml:2 must be <course url_name="RUN" org="ORG" course="NUMBER"/>']);
    });

    it('malformed XML blocks with the line the parser names', () => {
      const ps = check({ 'sequential/hw1.xml': '<sequential format="Homework">\n  <vertical url_name="unit1"/>\n  <vertical url_name="unit9">\n</sequential>\n' });
      expect(ps[0]).toMatchObject({ severity: 'blocking', file: 'sequential/hw1.xml', line: 4 });
      expect(ps[0]!.message).toMatch(/not well-formed XML/);
    });

    it('malformed XML the tree does not reach (drafts) blocks too', () => {
      expect(brief(check({ 'drafts/vertical/old.xml': '<vertical>\n<html>&</vertical>' }))[0]).toMatch(/^blocking drafts\/vertical\/old\.xml:2 is not well-formed XML/);
    });

    it('a pointer to a missing file blocks, at the pointer', () => {
      expect(brief(check({ 'problem/q1.xml': null }))).toEqual(['blocking vertical/unit1.xml:3 <problem url_name="q1"> points to problem/q1.xml, which does not exist']);
    });

    it('url_name with colons points into sub-folders', () => {
      const ps = check({ 'vertical/unit1.xml': '<vertical>\n  <html url_name="intro"/>\n  <problem url_name="set1:q1"/>\n  <video url_name="lecture1"/>\n</vertical>\n', 'problem/q1.xml': null });
      expect(brief(ps)).toEqual(['blocking vertical/unit1.xml:3 <problem url_name="set1:q1"> points to problem/set1/q1.xml, which does not exist']);
      expect(check({ 'vertical/unit1.xml': '<vertical><problem url_name="set1:q1"/><html url_name="intro"/><video url_name="lecture1"/></vertical>', 'problem/set1/q1.xml': cleanCourse()['problem/q1.xml']!, 'problem/q1.xml': null })).toEqual([]);
    });

    it('an html block whose body file is missing blocks', () => {
      expect(brief(check({ 'html/intro.html': null }))).toEqual(['blocking html/intro.xml:1 <html filename="intro"> points to html/intro.html, which does not exist']);
    });

    it('a pointer back to its own file blocks instead of looping', () => {
      expect(brief(check({ 'vertical/unit1.xml': '<vertical>\n  <vertical url_name="unit1"/>\n</vertical>' }))).toEqual(['blocking vertical/unit1.xml:2 <vertical url_name="unit1"> points back to a file that contains it']);
    });

    it('one url_name for two different blocks blocks; the same pointer twice does not', () => {
      const twice = check({ 'vertical/unit2.xml': '<vertical>\n  <problem url_name="q1"/>\n  <problem url_name="q2" display_name="Speed"><numericalresponse answer="9.8"/></problem>\n</vertical>' });
      expect(twice).toEqual([]);
      const clash = check({ 'vertical/unit2.xml': '<vertical>\n  <problem url_name="q1" display_name="Other"><stringresponse answer="x"/></problem>\n</vertical>' });
      expect(brief(clash)).toEqual(['blocking vertical/unit2.xml:2 url_name "q1" is used by two different <problem> blocks (the other in vertical/unit1.xml, line 3)']);
    });

    it('a pointer file holding another kind of block is a warning', () => {
      expect(brief(check({ 'video/lecture1.xml': '<html>Lecture</html>' }))).toEqual(['warning video/lecture1.xml:1 holds a <html>, but the pointer in vertical/unit1.xml expects a <video>']);
    });

    it('an empty section or subsection is a warning', () => {
      const ps = check({ 'chapter/week1.xml': '<chapter display_name="Week 1">\n  <sequential url_name="hw1"/>\n  <sequential url_name="empty"/>\n</chapter>', 'sequential/empty.xml': '<sequential display_name="Soon"/>', 'chapter/finals.xml': '<chapter/>' });
      expect(brief(ps)).toEqual([
        'warning sequential/empty.xml:1 subsection "empty" is empty',
        'warning chapter/finals.xml:1 section "finals" is empty',
        `warning ${GRADING} assignment type "Final Exam" (weight 0.6) is used by no subsection`,
      ]);
    });
  });

  describe('policies', () => {
    it('policy.json that is not JSON blocks, with its line', () => {
      const ps = check({ [POLICY]: '{\n  "course/2026_Fall": {\n    "start": "2026-09-01T00:00:00Z"\n    "end": "x"\n  }\n}' });
      expect(ps[0]).toMatchObject({ severity: 'blocking', file: POLICY, line: 4 });
    });

    it('policy.json of the wrong shape blocks', () => {
      expect(brief(check({ [POLICY]: '["course"]' }))[0]).toMatch(/^blocking policies\/2026_Fall\/policy\.json must map "category\/url_name" keys/);
    });

    it('grading_policy.json that is not JSON blocks', () => {
      // V8 names no position for this one, so there is no line to give.
      expect(brief(check({ [GRADING]: '{"GRADER": [}' }))[0]).toMatch(/^blocking policies\/2026_Fall\/grading_policy\.json is not valid JSON/);
    });

    it('a missing grading_policy.json warns and grades with edX defaults', () => {
      expect(brief(check({ [GRADING]: null }))).toEqual([
        `warning ${GRADING} is missing, so edX grades the course with its default policy (Homework, Lab, Midterm Exam, Final Exam)`,
        `warning ${GRADING} assignment type "Lab" (weight 0.15) is used by no subsection`,
        `warning ${GRADING} assignment type "Midterm Exam" (weight 0.3) is used by no subsection`,
      ]);
    });

    it('a subsection format the grading policy does not define blocks, at the subsection', () => {
      const ps = check({ 'sequential/hw1.xml': '<sequential display_name="Homework 1" format="Problem Set" graded="true">\n  <vertical url_name="unit1"/>\n</sequential>\n' });
      expect(brief(ps)).toEqual([
        'blocking sequential/hw1.xml:1 subsection "hw1" has format "Problem Set", which the grading policy does not define (it has "Homework", "Final Exam")',
        `warning ${GRADING} assignment type "Homework" (weight 0.4) is used by no subsection`,
      ]);
    });

    it('a format set in policy.json counts like one in the XML', () => {
      const policy = { [`course/${RUN}`]: { course_image: 'course_image.jpg' }, 'sequential/final': { format: 'Quiz' } };
      expect(brief(check({ [POLICY]: JSON.stringify(policy) }))[0]).toMatch(/^blocking sequential\/final\.xml:1 subsection "final" has format "Quiz"/);
    });

    it('weights that do not sum to 1 warn', () => {
      const grading = { GRADER: [{ type: 'Homework', weight: 0.4 }, { type: 'Final Exam', weight: 0.5 }] };
      expect(brief(check({ [GRADING]: JSON.stringify(grading) }))).toEqual([`warning ${GRADING} assignment type weights sum to 0.9, not 1`]);
    });
  });

  describe('dates', () => {
    const courseXml = (attrs: string) => `<course display_name="Physics I" ${attrs}>\n  <chapter url_name="week1"/>\n  <chapter url_name="finals"/>\n</course>\n`;

    it('a course starting or ending far from the term warns', () => {
      expect(brief(check({ [`course/${RUN}.xml`]: courseXml('start="2027-02-01T00:00:00Z" end="2027-05-30T00:00:00Z"') }))).toEqual([
        `warning course/${RUN}.xml:1 the course start 2027-02-01 is not in or near 2026_Fall (2026-09-01 to 2026-12-31)`,
        `warning course/${RUN}.xml:1 the course end 2027-05-30 is not in or near 2026_Fall (2026-09-01 to 2026-12-31)`,
        'warning sequential/hw1.xml:1 subsection "hw1" is due (2026-09-15) before it is released (2027-02-01)',
        'warning chapter/finals.xml:1 section "finals" is released (2026-12-01) before the course starts (2027-02-01)',
      ]);
    });

    it('a course without a start date warns (edX would start it in 2030)', () => {
      expect(brief(check({ [`course/${RUN}.xml`]: courseXml('') }))[0]).toMatch(/no start date, so edX starts it on 2030-01-01/);
    });

    it('the policy.json start overrides the XML one', () => {
      const policy = { [`course/${RUN}`]: { course_image: 'course_image.jpg', start: '2026-08-25T00:00:00' } };
      expect(check({ [POLICY]: JSON.stringify(policy) })).toEqual([]);
    });

    it('a release after the course ends and a due date before release warn', () => {
      const ps = check({
        'chapter/finals.xml': '<chapter start="2027-01-10T00:00:00Z">\n  <sequential url_name="final"/>\n</chapter>\n',
        'sequential/hw1.xml': '<sequential format="Homework" start="2026-09-20T00:00:00Z" due="2026-09-15T00:00:00Z">\n  <vertical url_name="unit1"/>\n</sequential>\n',
      });
      expect(brief(ps)).toEqual([
        'warning sequential/hw1.xml:1 subsection "hw1" is due (2026-09-15) before it is released (2026-09-20)',
        'warning chapter/finals.xml:1 section "finals" is released (2027-01-10) after the course ends (2026-12-20)',
        'warning sequential/final.xml:1 subsection "final" is due (2026-12-15) before it is released (2027-01-10)',
      ]);
    });

    it('an unreadable date warns', () => {
      expect(brief(check({ 'sequential/final.xml': '<sequential format="Final Exam" due="next friday"><vertical url_name="unit2"/></sequential>' }))).toEqual([
        'warning sequential/final.xml:1 subsection "final" has a due date edX cannot read: "next friday"',
      ]);
    });
  });

  describe('assets', () => {
    it('a missing about page blocks', () => {
      expect(brief(check({ 'about/overview.html': null }))).toEqual(['blocking about/overview.html the about page is missing']);
    });

    it('a missing course image blocks, by the name policy.json gives', () => {
      expect(brief(check({ 'static/course_image.jpg': null }))).toEqual([
        'blocking static/course_image.jpg the course image is missing',
        'warning about/overview.html:1 links /static/course_image.jpg, but static/course_image.jpg does not exist',
      ]);
    });

    it('without course_image, the default images_course_image.jpg is expected', () => {
      expect(brief(check({ [POLICY]: '{}' }))).toEqual(['blocking static/images_course_image.jpg the course image is missing']);
    });

    it('a /static/ link to a missing file warns, with its line', () => {
      expect(brief(check({ 'html/intro.html': '<p>Forces.</p>\n<p>See <a href="/static/notes%201.pdf">notes</a> and <img src="/static/diagram.png"></p>\n' }))).toEqual([
        'warning html/intro.html:2 links /static/notes 1.pdf, but static/notes 1.pdf does not exist',
      ]);
    });
  });

  describe('capa problems', () => {
    it('a problem without a response type warns', () => {
      expect(brief(check({ 'problem/q1.xml': '<problem>\n  <p>Think about it.</p>\n</problem>' }))).toEqual(['warning problem/q1.xml:1 problem "q1" has no response type, so students have nothing to answer']);
    });

    it('responses without a correct answer warn, at the response', () => {
      const ps = check({
        'problem/q1.xml': '<problem>\n<choiceresponse><checkboxgroup><choice correct="false">a</choice></checkboxgroup></choiceresponse>\n<stringresponse/>\n<optionresponse><optioninput options="(\'a\',\'b\')"/></optionresponse>\n<customresponse/>\n</problem>',
      });
      expect(brief(ps)).toEqual([
        'warning problem/q1.xml:2 problem "q1": <choiceresponse> has no <choice correct="true">, so no answer can be graded correct',
        'warning problem/q1.xml:3 problem "q1": <stringresponse> has no answer="..." attribute, so no answer can be graded correct',
        'warning problem/q1.xml:4 problem "q1": <optionresponse> has an <optioninput> without a correct option, so no answer can be graded correct',
        'warning problem/q1.xml:5 problem "q1": <customresponse> has no cfn="..." check function and no <answer> script, so no answer can be graded correct',
      ]);
    });

    it('inline problems are checked where they are written', () => {
      expect(brief(check({ 'vertical/unit2.xml': '<vertical>\n  <problem url_name="q2">\n    <numericalresponse/>\n  </problem>\n</vertical>' }))).toEqual([
        'warning vertical/unit2.xml:3 problem "q2": <numericalresponse> has no answer="..." attribute, so no answer can be graded correct',
      ]);
    });
  });

  it('lists blocking problems before warnings', () => {
    const ps = check({ 'problem/q1.xml': '<problem/>', 'about/overview.html': null });
    expect(ps.map((p) => p.severity)).toEqual(['blocking', 'warning']);
  });
});
