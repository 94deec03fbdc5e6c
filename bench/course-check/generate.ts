/**
 * A clean OLX course of about `files` files, shaped like a real one: sections of subsections of
 * units, each unit an html component (pointer + body), two capa problems and a video, every
 * level in its own pointer file, and static images the html links (about a third of the files).
 */
export function generateCourse(files: number, run = '2026_Fall'): Record<string, string> {
  const out: Record<string, string> = {
    'course.xml': `<course url_name="${run}" org="MITx" course="8.01r"/>\n`,
    [`policies/${run}/policy.json`]: JSON.stringify({ [`course/${run}`]: { display_name: 'Physics I', start: '2026-09-01T00:00:00Z', end: '2026-12-20T00:00:00Z' } }),
    [`policies/${run}/grading_policy.json`]: JSON.stringify({ GRADER: [{ type: 'Homework', min_count: 1, drop_count: 0, weight: 1 }], GRADE_CUTOFFS: { Pass: 0.5 } }),
    'about/overview.html': '<section class="about"><p>Physics</p></section>\n',
    'static/images_course_image.jpg': 'JPEG',
  };
  const chapters: string[] = [];
  // A unit is 6 files plus one static image; sections of 4 subsections of 5 units.
  const units = Math.max(1, Math.round((files - Object.keys(out).length) / 7));
  for (let u = 0; u < units; u++) {
    const [c, s] = [Math.floor(u / 20), Math.floor(u / 5)];
    const unit = `u${u}`;
    out[`vertical/${unit}.xml`] = `<vertical display_name="Unit ${u}">\n  <html url_name="h${u}"/>\n  <problem url_name="p${u}a"/>\n  <problem url_name="p${u}b"/>\n  <video url_name="v${u}"/>\n</vertical>\n`;
    out[`html/h${u}.xml`] = `<html filename="h${u}" display_name="Reading ${u}"/>\n`;
    out[`html/h${u}.html`] = `<p>Reading ${u}.</p>\n<img src="/static/fig${u}.png" alt="figure ${u}"/>\n`;
    out[`static/fig${u}.png`] = 'PNG';
    for (const p of ['a', 'b']) {
      out[`problem/p${u}${p}.xml`] = `<problem display_name="Problem ${u}${p}">\n  <multiplechoiceresponse>\n    <choicegroup>\n      <choice correct="true">yes</choice>\n      <choice correct="false">no</choice>\n    </choicegroup>\n  </multiplechoiceresponse>\n</problem>\n`;
    }
    out[`video/v${u}.xml`] = `<video display_name="Lecture ${u}" youtube_id_1_0="vid${u}"/>\n`;
    const seq = `sequential/s${s}.xml`;
    out[seq] = (out[seq] ?? `<sequential display_name="Week ${s}" format="Homework" graded="true" due="2026-12-01T00:00:00Z">\n`).replace(/<\/sequential>\n$/, '') + `  <vertical url_name="${unit}"/>\n</sequential>\n`;
    const chap = `chapter/c${c}.xml`;
    if (u % 5 === 0) out[chap] = (out[chap] ?? `<chapter display_name="Section ${c}">\n`).replace(/<\/chapter>\n$/, '') + `  <sequential url_name="s${s}"/>\n</chapter>\n`;
    if (u % 20 === 0) chapters.push(`c${c}`);
  }
  out[`course/${run}.xml`] = `<course display_name="Physics I">\n${chapters.map((c) => `  <chapter url_name="${c}"/>\n`).join('')}</course>\n`;
  return out;
}
