"""Every diagnostic code, declared once: its severity and what it says. The editorial rules (COE7xx) are declared
with their functions (rules/registry.py); the rest here. The README's table of codes is written from this
(`python -m coe_paper.rules.summary README.md`), and `validate --statistics` shows each code's summary."""

from __future__ import annotations

#: (code, severity, what it says), in the order of the README's table; COE7xx stands for the editorial rules.
CODES: tuple[tuple[str, str, str], ...] = (
    ('COE001', 'error',
     'YAML syntax error, at the line where it is: a list (`[`), mapping (`{`) or quote left open, or a key '
     'without its `:`, is named where it starts, not on the line where the parser gave up (the next one, or the '
     'end of the front matter)'),
    ('COE002', 'error',
     'front matter, paper.yaml or contributors.yaml does not match the schema (among others: a name over 200 '
     "characters, a short name over 60, a title over 250, a title or name of blanks alone; an `emails` entry or a "
     "person's `email` that is no e-mail address, a `domains` entry that is no domain (`https://example.org`, "
     '`org`), a `branch` that is no '
     'git branch\'s name (`""`); a `template` or `templates` that is empty or names the project\'s own folder, '
     '`.`); the message names the place by its keys, an organisation or an outline entry by its id '
     "(`organisations (id 'rome').short`), another list's item by its place counted from 1 (`people (item "
     '1).name`)'),
    ('COE003', 'error',
     'file missing, unreadable or not UTF-8'),
    ('COE004', 'error',
     "control character that Word cannot hold (in a section, in YAML written as an escape, or in a template's "
     "output), or a section's numeric character reference to one (`&#1;`), which would be shown as U+FFFD"),
    ('COE005', 'error',
     "a path that leaves the project, as written or through a symbolic link (paper.yaml's output, template, "
     'templates, abbreviations, a relative `checks.dictionary`, its `.aff` or `.dic` too; `sections/`; any file '
     "read; `-o` into the project and out by a link); a template of the templates' folder that is a symbolic "
     'link to a file outside that folder (`evil.md.j2 -> ../../contributors.yaml`)'),
    ('COE006', 'error',
     'the output file, or a section `validate --fix` rewrites, cannot be written (permissions, a directory in '
     'the way, a named pipe, device or socket in its place, a file or a symbolic link to a missing target where a '
     'folder is to be: the message names what is there), or the document is named as another kind of file or '
     'has no suffix (`-o paper.pdf`, `-o Makefile`, `output: build/paper.odt`), '
     "or `output:` in paper.yaml names a folder (`output: build/`), or an output's name (`-o` of any command, "
     '`output:`) has a line break or other control character in it'),
    ('COE007', 'error',
     "the output would overwrite the paper's own files (`paper/`, `sections/`, contributors.yaml, .mailmap, the "
     'template .docx or templates), or is inside a `.git` folder, as written or through a link (`-o '
     '.git/hooks/pre-commit`, `schema -o .git`, anywhere)'),
    ('COE008', 'error',
     'file over its size limit (checked before it is read), a picture of more than 100,000,000 pixels, or a '
     'section with more than 10,000 `[` (checked before it is parsed), or a link address of more than 2,048 '
     'characters'),
    ('COE009', 'error',
     'YAML past its limits: aliases expanding a value to more than 100,000 values past those the file writes, a '
     'recursive alias, nesting past 64 levels, an integer of over 1,000 digits'),
    ('COE010', 'error',
     'a key given twice in one YAML mapping'),
    ('COE011', 'error',
     'merge conflict markers (`<<<<<<<` ... `>>>>>>>`) left in a file'),
    ('COE012', 'error',
     'a bidirectional control left open or closing nothing in paper.yaml, contributors.yaml, abbreviations or a '
     "section's front matter (an embedding or override U+202A, U+202B, U+202D, U+202E without its U+202C; an "
     'isolate U+2066-U+2068 without its U+2069), its place named as for COE002'),
    ('COE013', 'warning',
     "a bidirectional control left open or closing nothing in a paragraph of a section's text (as COE012; it "
     "reverses the rest of that paragraph only): the paragraphs are the document's: each heading (a setext one "
     'too), table cell and paragraph of a list item, quote or footnote is one, and so is a code block, blank '
     "lines and all; an HTML comment (inline too), a link's address and title, a footnote nothing refers to and "
     "a cell past its table's columns are not in the document and are not looked at; a character reference to a "
     'control (`&#x202E;`) is the control, but in a code span, which shows it as written, or after a backslash '
     'that escapes it (`\\&#x202E;`; after an escaped backslash, `\\\\&#x202E;`, it is the control)'),
    ('COE014', 'warning',
     "`COE_PAPER` in `.gitlab-ci.yml` or `.github/workflows/paper.yml` is nothing pip can install on CI's fresh "
     'machine: a folder or `file:` address on one machine, `.` in a project that is no Python project, another '
     'package than coe-paper, or no requirement at all (CI would fail at its first step); or an address that holds a '
     'user name or password (`https://USER:TOKEN@...`), which the committed file would publish, or more than one '
     'requirement (an option such as `--index-url`, a `#` comment inside its quotes)'),
    ('COE101', 'error',
     'section without front matter'),
    ('COE102', 'error',
     'two sections with the same id'),
    ('COE103', 'error',
     'section not in the outline'),
    ('COE104', 'warning',
     'optional outline section has no file'),
    ('COE105', 'error',
     'required outline section has no file (a file that gives its id, or whose name gives it, but cannot be '
     'read as a section has its own error instead: the file is there; so does a `sections/` folder that cannot '
     'be read, COE005 or COE003)'),
    ('COE106', 'warning',
     'a Markdown file in `sections/` that is not read as a section (`.MD`, `.markdown`: only `.md` is; or in a '
     'folder inside `sections/`)'),
    ('COE107', 'error',
     'a file in `sections/` whose name a checkout on Windows cannot hold: a device name whatever follows its '
     'dot (`aux.md`, `con.md`, `lpt1.notes.md`), a character Windows does not allow (`\\ : * ? " < > |`, a '
     'control character), or a space or full stop at its end; git for Windows refuses to check it out, so a '
     'member there cannot clone the paper'),
    ('COE201', 'error',
     'unknown organisation in `lead` or `contributors`'),
    ('COE202', 'error',
     "duplicate organisation id in contributors.yaml, or an e-mail, domain or person's name listed under two "
     'organisations'),
    ('COE203', 'warning',
     'commits by git identities that map to no member organisation (names them)'),
    ('COE204', 'warning',
     'no git history (not a repository, shallow clone, unknown revision): declared contributors only; or git '
     'blame failed on a section (a `blame.ignoreRevsFile` that does not exist): its lines count for no '
     'organisation'),
    ('COE205', 'warning',
     'a city, metropolitan area, region or Member State body given `country: EU` (the placeholder `init` writes '
     'for the coordinators): EU is no Member State, so the annex and the preview name no country for it '
     '("(country to be given)")'),
    ('COE301', 'error',
     "section over the outline's word limit"),
    ('COE302', 'warning',
     "section under the outline's minimum"),
    ('COE401', 'error',
     'heading skips a level'),
    ('COE402', 'warning',
     'level-1 heading inside a section body'),
    ('COE403', 'warning',
     "list nested deeper than Word's nine levels (deeper items are shown at the ninth)"),
    ('COE404', 'error',
     'lists and quotes nested past the 100 blocks the Markdown parser reads (about 48 list levels, as a list level '
     'is two blocks, or 97 quotes); it does not read the text inside'),
    ('COE405', 'warning',
     'struck-through text (`~~...~~`) in a paper whose status (paper.yaml) is final'),
    ('COE406', 'warning',
     'raw HTML that Word shows as text (anything but comments and inline `<br>`, `<sup>`, `<sub>`, `<u>`, '
     "`<mark>`, which become line breaks, raised, lowered, underlined and highlighted text); in a table's "
     'caption, plain text, it is left out; an HTML comment never closed (`<!--` without `-->`), shown as text '
     'with the rest of its block, says so'),
    ('COE407', 'warning',
     "a table row with words in cells past its header's columns, which the document leaves out (a row is as "
     "wide as its table's header row, as on GitHub)"),
    ('COE408', 'warning',
     "an HTML comment not closed before another `<!--`: it ends at that one's `-->`, and the text between, "
     'hidden as a comment, is left out of the document (a comment closed where meant, across paragraphs too, is '
     'not reported)'),
    ('COE409', 'warning',
     "a picture in a table's caption (`Table: ... ![...](...)`), which is plain text: the picture and its title "
     'are left out of the document (its description is shown)'),
    ('COE410', 'warning',
     'a heading the paper numbers (`##`, `###`) that starts with a number typed by hand (`## 2.1 Homes`, `### '
     '2.1.1. Data`, `## 1. Funding`): Word numbers it too, so it showed two numbers, in the contents as well '
     '(not with `numbering: false`)'),
    ('COE411', 'warning',
     "a section's title (front matter `title:`) holding Markdown formatting, `**bold**`, `*italic*`, "
     '`` `code` ``, `~~struck~~`, a link `[words](...)` or inline HTML: a title is plain text, so the marks showed as '
     'typed in its heading, the contents, the PDF\'s bookmarks, the annex and the preview'),
    ('COE501', 'error',
     'image file not found, or a folder or named pipe in its place (in a section, a logo listed under `cover:` '
     "in paper.yaml, or a picture a template prints, whose path is read from the project's folder; an address's "
     'percent-escapes, as in `my%20chart.png`, are decoded, and `<my chart.png>` names that file)'),
    ('COE502', 'error',
     'image without alt text'),
    ('COE503', 'error',
     'image path outside the project, as written or through a symbolic link (in a section, a logo listed under '
     '`cover:` in paper.yaml, or a picture a template prints)'),
    ('COE504', 'error',
     'image type Word cannot show'),
    ('COE505', 'error',
     "image file damaged or not an image (a JPEG is read to its frame's header, SOF, whatever marker comes "
     "first: a CMYK JPEG begins with Adobe's APP14), or cut short (a PNG without its whole end chunk, a JPEG "
     'without its end-of-image marker, a GIF without its trailer, a BMP shorter than its header says, a TIFF '
     'missing what its directories point to), or a GIF cut into more than 1,000,000 blocks (in a section, or a '
     'logo listed under `cover:` in paper.yaml)'),
    ('COE506', 'warning',
     'figure (an image alone in its paragraph) without a caption (its title)'),
    ('COE507', 'error',
     'a figure or table caption id used twice'),
    ('COE508', 'warning',
     'a `Table:` line right after a table that has its caption before it (a table takes one caption): shown as '
     'text'),
    ('COE520', 'warning',
     'an upper-case abbreviation neither in `paper/abbreviations.yaml` nor spelled out at its first use ("words '
     'in full (ABC)")'),
    ('COE531', 'warning',
     'accessibility: alt text that is a file name'),
    ('COE532', 'warning',
     'accessibility: alt text over 250 characters (the detail belongs in the text or a caption)'),
    ('COE533', 'warning',
     'accessibility: link text that is a bare URL or says nothing ("click here", "here", "read more")'),
    ('COE534', 'warning',
     'accessibility: a table whose header row is empty'),
    ('COE535', 'warning',
     'accessibility: a paragraph or character style of the template whose text colour has under 4.5:1 contrast '
     'against the page (WCAG 2.1 AA); `python scripts/make_template.py --darken` fixes a template'),
    ('COE541', 'error',
     '`audit`: the document has no title in its properties'),
    ('COE542', 'error',
     '`audit`: the document sets no language'),
    ('COE543', 'error',
     '`audit`: a picture without alt text (a warning when the alt text is a file name or over 250 characters)'),
    ('COE544', 'error',
     '`audit`: a table without a header row marked to repeat'),
    ('COE545', 'warning',
     '`audit`: a heading that skips a level'),
    ('COE546', 'warning',
     '`audit`: empty paragraphs used for spacing'),
    ('COE601', 'error',
     'internal link to no section, heading, figure or table'),
    ('COE602', 'error',
     'link with an unsafe scheme (only https, http, mailto)'),
    ('COE603', 'warning',
     'relative file link, which cannot work in Word'),
    ('COE604', 'warning',
     "a footnote (`[^label]: ...`) that no text refers to (or only another footnote, or a picture's alt text, "
     'which is plain text in Word), whose words the document leaves out'),
    ('COE605', 'warning',
     'a footnote reference inside a footnote, left out: Word has no footnotes in footnotes'),
    ('COE606', 'warning',
     'a footnote label defined twice (`[^label]: ...` again): the note shows the last definition, and the words '
     'of the others are left out'),
    ('COE607', 'warning',
     "a link definition (`[label]: destination`) no link uses, or a label's second definition (links use the "
     'first): the document shows it nowhere, nor a line meant as text that reads as one (`[Note]: pending`), '
     'nor a footnote whose label has a blank (`[^x y]: ...`, which is a link definition)'),
    ('COE7xx', 'warning',
     'editorial rules: inclusive wording, EU style, British spelling, plain language (see [Editorial '
     'checks](#editorial-checks))'),
    ('COE801', 'error',
     'error in a paper template (validate renders every template once to find it; while sections have errors, '
     'with those sections left out, so that it is reported beside theirs; when every section has one, the '
     'byline is tried on the first, led by the first organisation if its own lead is none); a warning for a '
     'template that prints an object rather than a value of it (`{{ section.title.upper }}`, `{{ cycler(1, 2) '
     '}}`), named at its line: Python shows such an object with its address in memory, which would differ on '
     'every build, so the document shows it without the address'),
    ('COE802', 'error',
     "template .docx cannot be opened (damaged, a part missing, or past a reviewer's file's zip limits), or "
     'carries macros, a part or a field Word would fetch from elsewhere'),
    ('COE803', 'error',
     'a template stopped at its limits: 10 s for all renderings, 1,000,000 characters of output or in any value '
     'it builds'),
    ('COE901', 'warning',
     'import: tracked changes in the draft taken as accepted (counted)'),
    ('COE902', 'warning',
     'import: a comment in the draft dropped, one warning each, named by its author, the words it is on and its '
     "first 80 characters (`comment by Ana Rossi on 'a third' dropped: 'Which year?'`), so that the member can "
     'find it and answer it; past the first 20, the rest are counted in one warning (`5 more comments dropped, '
     'not listed one by one`)'),
    ('COE903', 'warning',
     'import: something with no Markdown form dropped, by kind: text box or WordArt (its text kept), SmartArt '
     "diagram (its text kept, a paragraph per shape, in the diagram's order), chart (its title, axis titles, "
     "series names, category labels and data labels' own text kept as paragraphs, the series names and the "
     "categories a paragraph each; its numbers left out), shape, field (TOC, PAGE, ...; a field's shown text is "
     "kept, a legacy form's drop-down list's chosen entry and check box's ☒ or ☐ too; a field that never ends, "
     'in a damaged draft, keeps the text after it), equation (kept as text, in the linear form Word types: '
     '`x=(a+b)/2`, `e^(-x)`; each named in a warning of its own with the words of the paragraph it is in, '
     "`equation 'x=(a+b)/2' kept as text in the paragraph 'The mean is x=(a+b)/2.'`, or with its table cell's "
     "row and column, `equation 'r^2' kept as text, alone in the table cell of row 2, column 'Formula'`, or as "
     'a paragraph of its own in a note, the first 20 so and the rest counted), phonetic guide (ruby; its base '
     'text kept), a character of a symbol font typed with Insert > Symbol that Unicode has no character for '
     "(Wingdings' check mark; the Symbol font's Greek letters and signs are kept as the characters they show), "
     'hidden text (kept as ordinary text), all caps or small caps (the words kept as typed), a note\'s own '
     'mark ("*"; the note is numbered as the paper\'s are), '
     'a picture linked to a file outside the draft, a picture whose image is missing from the draft (named by '
     "its description: pandoc relates a picture in a note to an image of the body's part, which no reader "
     'shows; and one whose relationship points out of the package, to a path that climbs out of it or an '
     'outside file, or to an entry the package lacks), a note (named with its text) or picture on the title, '
     'header or footer (each named by its words, '
     "shortened to 80 characters, a watermark's included), section or page break, contents entries (by their "
     'style, or the content control Word and LibreOffice put around a table of contents, up to where its last '
     'TOC field ends: LibreOffice puts the text after a contents and a list of figures in it too, which is '
     "kept), a list of figures or tables' entries (named so: by their style, Word's Table of Figures or "
     'LibreOffice\'s Figure Index, or as the paragraphs of the TOC field that lists captions, `\\c "Figure"`; '
     "their page references go with them), a content control showing its prompt ('Click or tap here to enter "
     "text.': a form's field no one filled in), a reference to a note the draft does not hold, content in "
     'another format that Word converts on opening (an altChunk, as tools that make a .docx from a web page '
     "write the whole text: an HTML page's or web archive's words are kept as plain paragraphs; an RTF or Word "
     'chunk is named; either way, opening the draft in Word and saving it makes it part of the document)'),
    ('COE904', 'warning',
     'import: a short paragraph entirely in bold, probably meant as a heading (kept as a paragraph)'),
    ('COE905', 'warning',
     'import: paragraphs typed as list items ("•", "-", "1.") made into list items'),
    ('COE906', 'warning',
     'import: merged table cells split (the text stays in the first cell); text in a cell merged into the one '
     'above, which Word does not show, kept in that cell'),
    ('COE907', 'warning',
     'import: a table inside a table, or a cell of several paragraphs (a list in it too), flattened into one '
     'line; each such cell named by its row and column, with the line it became'),
    ('COE908', 'warning',
     'import: a link to a bookmark that is no heading nor a caption, with a scheme other than https, http, '
     'mailto, or to a target the draft does not hold (a hyperlink whose relationship is missing), kept as text; '
     'a link of several runs (its words formatted apart) counts once; a page reference ("see page 3", a '
     'PAGEREF field), whose words are kept, linked to '
     "the heading it names where the section keeps it, with the draft's page number, which the paper's pages "
     'change'),
    ('COE909', 'warning',
     "import: heading levels moved up (no skipped level, none below `######`) or Word's heading numbers left "
     'out'),
    ('COE910', 'warning',
     'import: an image without a description (validate then reports COE502), of a type Word cannot show, or '
     'unreadable (a damaged entry of the package: the picture is left out, named by its description)'),
    ('COE911', 'warning',
     'import: bold, italic or other formatting that CommonMark would read otherwise at that place dropped '
     '(words kept); list items numbered with letters or Roman numerals where the paper numbers otherwise; a '
     'paragraph in a code style that cites a note or holds a picture, which a code block cannot, written in '
     'code spans'),
    ('COE912', 'warning',
     'import: the draft is a paper coe-paper assembled; only the section with the id is imported'),
    ('COE913', 'warning',
     "import: the draft has no title (the id is used), `--title` replaces the draft's, its first heading "
     'repeats its Title (left out), or its Subtitle paragraph is kept as a paragraph in italics (a section has '
     'no subtitle)'),
    ('COE914', 'warning',
     'import: a table without a marked header row; its first row becomes the header'),
    ('COE915', 'warning',
     "import: a paragraph after a list item with its numbering taken off and no indent, as LibreOffice saves an "
     "item's further paragraph from a web page (its words kept): before an item less deep than the one before it, "
     'kept in the item before it, though it may be of an item further out; where the list does not go on after '
     'it, kept as a paragraph after the list'),
)


def summaries() -> dict[str, str]:
    """What each code says, by code."""
    return {code: what for code, _, what in CODES}
