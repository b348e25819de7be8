"""`coe-paper import` of a chart: Word and LibreOffice keep a chart's words (its title, axis titles, series names,
category and data labels) in a part of its own, which the document's drawing only names. They come into the
section as paragraphs after the one the chart is in, and the warning says so; pandoc, reading the same draft,
leaves them out, and LibreOffice made the chart of the first test itself."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from drafts import libreoffice_draft
from test_import import NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part

_FODT = """\
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" \
xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" \
xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3" \
office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
<text:h text:outline-level="1">Safe streets</text:h>
<text:p>Rents rose.<draw:frame draw:name="Chart1" text:anchor-type="as-char" svg:width="12cm" svg:height="7cm">\
<draw:object><office:document office:mimetype="application/vnd.oasis.opendocument.chart" office:version="1.3">\
<office:body><office:chart><chart:chart chart:class="chart:bar" svg:width="12cm" svg:height="7cm">
<chart:title><text:p>Rents by city</text:p></chart:title><chart:legend chart:legend-position="end"/>
<chart:plot-area table:cell-range-address="local-table.$A$1:.$C$3" chart:data-source-has-labels="both">
<chart:axis chart:dimension="x" chart:name="primary-x"><chart:title><text:p>Year of survey</text:p></chart:title>\
<chart:categories table:cell-range-address="local-table.$A$2:.$A$3"/></chart:axis>
<chart:axis chart:dimension="y" chart:name="primary-y"><chart:title><text:p>Monthly rent</text:p></chart:title>\
</chart:axis>
<chart:series chart:values-cell-range-address="local-table.$B$2:.$B$3" chart:label-cell-address="local-table.$B$1"/>
<chart:series chart:values-cell-range-address="local-table.$C$2:.$C$3" chart:label-cell-address="local-table.$C$1"/>
</chart:plot-area><table:table table:name="local-table">
<table:table-header-columns><table:table-column/></table:table-header-columns>
<table:table-columns><table:table-column table:number-columns-repeated="2"/></table:table-columns>
<table:table-header-rows><table:table-row><table:table-cell><text:p/></table:table-cell>\
<table:table-cell office:value-type="string"><text:p>Lyon</text:p></table:table-cell>\
<table:table-cell office:value-type="string"><text:p>Rome</text:p></table:table-cell></table:table-row>\
</table:table-header-rows><table:table-rows>
<table:table-row><table:table-cell office:value-type="string"><text:p>Before the plan</text:p></table:table-cell>\
<table:table-cell office:value-type="float" office:value="700"><text:p>700</text:p></table:table-cell>\
<table:table-cell office:value-type="float" office:value="900"><text:p>900</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>After the plan</text:p></table:table-cell>\
<table:table-cell office:value-type="float" office:value="650"><text:p>650</text:p></table:table-cell>\
<table:table-cell office:value-type="float" office:value="880"><text:p>880</text:p></table:table-cell></table:table-row>
</table:table-rows></table:table></chart:chart></office:chart></office:body></office:document></draw:object>\
</draw:frame> Wages did not.</text:p>
</office:text></office:body></office:document>
"""
_KEPT = ("warning COE903 dropped chart (its title, axis titles, series names and labels kept as paragraphs; its "
         "numbers left out): 1")


def _body(text: str) -> str:
    return (split_front_matter(text) or ("", "", 0))[1]


def test_the_words_of_a_chart_libreoffice_made_are_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """The chart's title, axis titles, legend and categories were left out, reported as 'shape or chart'."""
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_FODT)
    with zipfile.ZipFile(draft) as package:
        assert any(name.startswith("word/charts/") for name in package.namelist())  # a chart part, not a picture
    plain = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(draft)], capture_output=True,
                           text=True, check=True).stdout
    assert "Rents rose. Wages did not." in plain and "Lyon" not in plain  # pandoc leaves the chart's words out
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body(text).strip().split("\n\n") == ["Rents rose. Wages did not.", "Rents by city", "Year of survey",
                                                 "Monthly rent", "Lyon, Rome", "Before the plan, After the plan"]
    assert _KEPT in result.stderr and "dropped shape" not in result.stderr


_C = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
_CHART = (f'<w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="3200400"/><wp:docPr id="3" name="Chart 3"/>'
          '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
          f'<c:chart {_C} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdC"/>'
          "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")


def _cache(kind: str, values: list[str], code: str = "") -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values))
    fmt = f"<c:formatCode>{code}</c:formatCode>" if code else ""
    return f"<c:{kind}Ref><c:f>Sheet1!$A$1</c:f><c:{kind}Cache>{fmt}{points}</c:{kind}Cache></c:{kind}Ref>"


def _series(name: str, categories: str, label: str = "") -> str:
    rich = f"<c:rich><a:bodyPr/><a:p><a:r><a:t>{label}</a:t></a:r></a:p></c:rich>"
    labels = f'<c:dLbls><c:dLbl><c:idx val="1"/><c:tx>{rich}</c:tx></c:dLbl></c:dLbls>' if label else ""
    return (f'<c:ser><c:idx val="0"/><c:tx>{_cache("str", [name])}</c:tx>{labels}<c:cat>{categories}</c:cat>'
            f'<c:val>{_cache("num", ["12", "30"], "General")}</c:val></c:ser>')


def _chart_part(title: str, series: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<c:chartSpace {_C} '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart>'
            f"<c:title><c:tx>{title}</c:tx></c:title><c:plotArea><c:lineChart>{series}</c:lineChart>"
            '<c:dateAx><c:axId val="1"/></c:dateAx></c:plotArea></c:chart></c:chartSpace>').encode()


def _chart_draft(folder: Path, part: bytes | None) -> Path:
    draft = _body_draft(folder, f"<w:p>{_run('Rents rose.')}{_CHART}</w:p><w:p>{_run('Wages did not.')}</w:p>")
    _relate(draft, '<Relationship Id="rIdC" Target="charts/chart1.xml" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"/>')
    if part is not None:
        _set_part(draft, "word/charts/chart1.xml", part)
    return draft


def test_a_word_chart_keeps_titles_from_cells_labels_of_its_own_and_numbers_shown_as_words(
        make_project: MakeProject, tmp_path: Path) -> None:
    """As Word writes a chart: the title taken from a cell, years as numbers, a data label typed over; a date
    axis's serial numbers (45292 for 1 January 2024) are no words and stay out."""
    years = _cache("num", ["2019", "2020"], "General")
    series = _series("Lyon", years, "Peak after the reform") + _series("Rome", years)
    series += _series("Ghent", _cache("num", ["45292", "45323"], "mmm-yy"))
    draft = _chart_draft(tmp_path, _chart_part(_cache("str", ["Rents by city"]), series))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body(text).strip().split("\n\n") == ["Rents rose.", "Rents by city", "Lyon, Rome, Ghent", "2019, 2020",
                                                 "Peak after the reform", "Wages did not."]
    assert _KEPT in result.stderr


def test_a_chart_whose_part_is_missing_or_damaged_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    for part in (None, b"<c:chartSpace"):
        result, text = _import(make_project(NO_OUTLOOK), _chart_draft(tmp_path, part))
        assert result.exit_code == 0, result.stderr
        assert _body(text).split() == ["Rents", "rose.", "Wages", "did", "not."]
        assert "warning COE903 dropped chart whose words cannot be read (its part is missing or damaged): 1" \
            in result.stderr



_CX = 'xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex"'
_CHARTEX = ('<w:r><mc:AlternateContent><mc:Choice Requires="cx1"><w:drawing><wp:inline><wp:extent cx="5486400" '
            'cy="3200400"/><wp:docPr id="4" name="Chart 4"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/drawing/2014/chartex">'
            f'<cx:chart {_CX} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'r:id="rIdC"/></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:drawing>'
            '<wp:anchor><wp:docPr id="5" name="Chart 4"/><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
            "<w:p><w:r><w:t>This chart isn't available in your version of Word.</w:t></w:r></w:p></w:txbxContent>"
            "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Fallback>"
            "</mc:AlternateContent></w:r>")


def _cx_text(text: str, rich: bool) -> str:
    if rich:
        return f"<cx:tx><cx:rich><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></cx:rich></cx:tx>"
    return f"<cx:tx><cx:txData><cx:f>Sheet1!$B$1</cx:f><cx:v>{text}</cx:v></cx:txData></cx:tx>"


def _dim(kind: str, role: str, values: list[str], code: str = "") -> str:
    points = "".join(f'<cx:pt idx="{i}">{v}</cx:pt>' for i, v in enumerate(values))
    fmt = f' formatCode="{code}"' if code else ""
    return (f'<cx:{kind}Dim type="{role}"><cx:f>Sheet1!$A$2:$A$5</cx:f><cx:lvl ptCount="{len(values)}"{fmt}>'
            f"{points}</cx:lvl></cx:{kind}Dim>")


def _chartex_part(data: str, series: list[str]) -> bytes:
    """A waterfall as Word 2016 writes one (`word/charts/chartEx1.xml`): the data first, then the chart."""
    plotted = "".join(f'<cx:series layoutId="waterfall" uniqueId="{{0000000{i}}}">{_cx_text(name, False)}'
                      '<cx:dataLabels pos="outEnd"><cx:visibility seriesName="0" categoryName="1" value="1"/>'
                      f'</cx:dataLabels><cx:dataId val="0"/></cx:series>' for i, name in enumerate(series))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cx:chartSpace {_CX} '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><cx:chartData>'
            f'<cx:data id="0">{data}</cx:data></cx:chartData><cx:chart><cx:title pos="t" align="ctr" overlay="0">'
            f'{_cx_text("Budget bridge", True)}</cx:title><cx:plotArea><cx:plotAreaRegion>{plotted}'
            f'</cx:plotAreaRegion><cx:axis id="0"><cx:catScaling gapWidth="0.5"/><cx:title>{_cx_text("Quarter", True)}'
            f'</cx:title><cx:tickLabels/></cx:axis><cx:axis id="1"><cx:valScaling/><cx:title>'
            f'{_cx_text("Euros", False)}</cx:title><cx:tickLabels/></cx:axis></cx:plotArea>'
            '<cx:legend pos="t" align="ctr" overlay="0"/></cx:chart></cx:chartSpace>').encode()


def test_a_newer_chart_keeps_its_words_as_a_chart_does(make_project: MakeProject, tmp_path: Path) -> None:
    """A waterfall, box or treemap chart (chartex, in its own part): its title, then the axes' titles, the series'
    names in one paragraph and the categories in another, as a chart's; the numbers it plots (and a date's serial
    numbers as categories) left out, and the fallback Word writes for older versions not read."""
    data = _dim("str", "cat", ["Start", "Rent caps", "Subsidies", "End"]) + _dim("num", "val", ["700", "-50", "30"])
    years = _dim("num", "cat", ["2019", "2020"], "General") + _dim("num", "cat", ["45292"], "mmm-yy")
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents rose.')}{_CHARTEX}</w:p><w:p>{_run('Wages did not.')}</w:p>")
    _relate(draft, '<Relationship Id="rIdC" Target="charts/chartEx1.xml" '
                   'Type="http://schemas.microsoft.com/office/2014/relationships/chartEx"/>')
    _set_part(draft, "word/charts/chartEx1.xml", _chartex_part(data + years, ["Spending", "Savings"]))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body(text).strip().split("\n\n") == ["Rents rose.", "Budget bridge", "Quarter", "Euros",
                                                 "Spending, Savings", "Start, Rent caps, Subsidies, End, 2019, 2020",
                                                 "Wages did not."]
    assert _KEPT in result.stderr and "text box" not in result.stderr


def test_a_line_break_in_a_charts_title_keeps_its_words_apart(make_project: MakeProject, tmp_path: Path) -> None:
    """A title typed on two lines (a:br in its rich text): its words were run together ('Rents bycity')."""
    title = "<c:rich><a:bodyPr/><a:p><a:r><a:t>Rents by</a:t></a:r><a:br/><a:r><a:t>city</a:t></a:r></a:p></c:rich>"
    draft = _chart_draft(tmp_path, _chart_part(title, _series("Lyon", _cache("str", ["2019"]))))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body(text).strip().split("\n\n")[1] == "Rents by city"
