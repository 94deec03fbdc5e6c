import { filesFromMap, type CourseFiles } from '../../src/olx/problem';

/**
 * A small, clean OLX course (Physics I, 2026_Fall) as a course team exports it: pointers for
 * every level, an html body file, a capa problem, a graded homework and final, policies, the
 * about page and course image. Each test changes one thing with `overrides` (null deletes).
 */
export const RUN = '2026_Fall';

export const cleanCourse = (): Record<string, string> => ({
  'course.xml': `<course url_name="${RUN}" org="MITx" course="8.01r"/>\n`,
  [`course/${RUN}.xml`]: [
    '<course display_name="Physics I" start="2026-09-01T00:00:00Z" end="2026-12-20T00:00:00Z">',
    '  <chapter url_name="week1"/>',
    '  <chapter url_name="finals"/>',
    '</course>',
    '',
  ].join('\n'),
  'chapter/week1.xml': '<chapter display_name="Week 1">\n  <sequential url_name="hw1"/>\n</chapter>\n',
  'chapter/finals.xml': '<chapter display_name="Finals" start="2026-12-01T00:00:00Z">\n  <sequential url_name="final"/>\n</chapter>\n',
  'sequential/hw1.xml': [
    '<sequential display_name="Homework 1" format="Homework" graded="true" due="2026-09-15T00:00:00Z">',
    '  <vertical url_name="unit1"/>',
    '</sequential>',
    '',
  ].join('\n'),
  'sequential/final.xml': '<sequential display_name="Final" format="Final Exam" graded="true" due="2026-12-15T00:00:00Z">\n  <vertical url_name="unit2"/>\n</sequential>\n',
  'vertical/unit1.xml': '<vertical display_name="Unit 1">\n  <html url_name="intro"/>\n  <problem url_name="q1"/>\n  <video url_name="lecture1"/>\n</vertical>\n',
  'vertical/unit2.xml': [
    '<vertical display_name="Unit 2">',
    '  <problem url_name="q2" display_name="Speed">',
    '    <numericalresponse answer="9.8"><formulaequationinput/></numericalresponse>',
    '  </problem>',
    '</vertical>',
    '',
  ].join('\n'),
  'html/intro.xml': '<html filename="intro" display_name="Introduction"/>\n',
  'html/intro.html': '<p>Forces.</p>\n<img src="/static/diagram.png" alt="diagram">\n',
  'problem/q1.xml': [
    '<problem display_name="Newton">',
    '  <multiplechoiceresponse>',
    '    <choicegroup type="MultipleChoice">',
    '      <choice correct="true">F = ma</choice>',
    '      <choice correct="false">F = mv</choice>',
    '    </choicegroup>',
    '  </multiplechoiceresponse>',
    '</problem>',
    '',
  ].join('\n'),
  'video/lecture1.xml': '<video display_name="Lecture 1" youtube_id_1_0="abc123"><source src="https://example.test/l1.mp4"/></video>\n',
  [`policies/${RUN}/policy.json`]: JSON.stringify({ [`course/${RUN}`]: { display_name: 'Physics I', course_image: 'course_image.jpg' } }, null, 2),
  [`policies/${RUN}/grading_policy.json`]: JSON.stringify(
    { GRADER: [{ type: 'Homework', min_count: 1, drop_count: 0, weight: 0.4 }, { type: 'Final Exam', min_count: 1, drop_count: 0, weight: 0.6 }], GRADE_CUTOFFS: { Pass: 0.5 } },
    null,
    2,
  ),
  'about/overview.html': '<section class="about"><h2>About</h2><img src="/static/course_image.jpg"></section>\n',
  'static/course_image.jpg': '',
  'static/diagram.png': '',
});

export function course(overrides: Record<string, string | null> = {}): CourseFiles {
  const files = new Map<string, string>(Object.entries(cleanCourse()));
  for (const [path, text] of Object.entries(overrides)) {
    if (text === null) files.delete(path);
    else files.set(path, text);
  }
  return filesFromMap(files);
}
