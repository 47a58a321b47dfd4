"""Click-to-appear animations on a PowerPoint slide: the ``p:timing`` XML.

python-pptx has no animation API, so this writes the slide's timing tree itself. The
tree is the one PowerPoint writes for "Appear, On Click" (ECMA-376 Part 1, 19.5): a
root time node holding the main sequence; each click is a ``p:par`` whose start
condition is ``indefinite`` (wait for the click), holding one ``clickEffect`` node
(preset 1, entrance) that sets the shape's ``style.visibility`` to ``visible``. A shape
with an entrance effect starts hidden, so the slide opens without it. LibreOffice
Impress and Keynote read the same tree.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

#: The PresentationML namespace.
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_P = f"{{{P_NS}}}"
#: Elements a ``p:sld`` may hold after ``p:timing`` (its schema order: cSld, clrMapOvr,
#: transition, timing, extLst).
_AFTER_TIMING = (f"{_P}extLst",)


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{_P}{tag}", attrs)


class _Ids:
    """Time node ids, unique within the slide, from 1."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> str:
        self.last += 1
        return str(self.last)


def _appear(parent: etree._Element, ids: _Ids, shape_id: int) -> None:
    """One "Appear" entrance effect on ``shape_id`` in a click's ``p:par``."""
    outer = _el(_el(parent, "par"), "cTn", id=ids.next(), fill="hold")
    _el(_el(outer, "stCondLst"), "cond", delay="0")
    effect = _el(
        _el(_el(outer, "childTnLst"), "par"),
        "cTn",
        id=ids.next(),
        presetID="1",
        presetClass="entr",
        presetSubtype="0",
        fill="hold",
        nodeType="clickEffect",
    )
    _el(_el(effect, "stCondLst"), "cond", delay="0")
    show = _el(_el(effect, "childTnLst"), "set")
    behaviour = _el(show, "cBhvr")
    node = _el(behaviour, "cTn", id=ids.next(), dur="1", fill="hold")
    _el(_el(node, "stCondLst"), "cond", delay="0")
    _el(_el(behaviour, "tgtEl"), "spTgt", spid=str(shape_id))
    _el(_el(behaviour, "attrNameLst"), "attrName").text = "style.visibility"
    _el(_el(show, "to"), "strVal", val="visible")


def timing_element(clicks: Sequence[Sequence[int]]) -> etree._Element:
    """Return a ``p:timing`` element: each click makes its shapes appear.

    Parameters
    ----------
    clicks : sequence of sequence of int
        For each click in order, the shape ids (``p:cNvPr/@id``) that appear together.

    Returns
    -------
    lxml.etree._Element
        The ``p:timing`` element, ready to go into a ``p:sld``.

    Raises
    ------
    ValueError
        If there is no click or a click names no shape.
    """
    if not clicks or not all(clicks):
        raise ValueError("an animation needs at least one click, each with a shape")
    ids = _Ids()
    timing = etree.Element(f"{_P}timing", nsmap={"p": P_NS})
    root = _el(_el(_el(timing, "tnLst"), "par"), "cTn", id=ids.next())
    root.set("dur", "indefinite")
    root.set("restart", "never")
    root.set("nodeType", "tmRoot")
    sequence = _el(_el(root, "childTnLst"), "seq", concurrent="1", nextAc="seek")
    main = _el(sequence, "cTn", id=ids.next(), dur="indefinite", nodeType="mainSeq")
    steps = _el(main, "childTnLst")
    for shapes in clicks:
        click = _el(_el(steps, "par"), "cTn", id=ids.next(), fill="hold")
        _el(_el(click, "stCondLst"), "cond", delay="indefinite")
        effects = _el(click, "childTnLst")
        for shape_id in shapes:
            _appear(effects, ids, shape_id)
    for event, tag in (("onPrev", "prevCondLst"), ("onNext", "nextCondLst")):
        cond = _el(_el(sequence, tag), "cond", evt=event, delay="0")
        _el(_el(cond, "tgtEl"), "sldTgt")
    return timing


def set_click_animation(slide_element: etree._Element, clicks: Sequence[Sequence[int]]) -> None:
    """Give a slide (its ``p:sld`` element) the click animation, replacing any it had.

    Parameters
    ----------
    slide_element : lxml.etree._Element
        ``slide._element`` of a python-pptx slide.
    clicks : sequence of sequence of int
        As for :func:`timing_element`.
    """
    for old in slide_element.findall(f"{_P}timing"):
        slide_element.remove(old)
    timing = timing_element(clicks)
    following = [child for child in slide_element if child.tag in _AFTER_TIMING]
    if following:
        following[0].addprevious(timing)
    else:
        slide_element.append(timing)


def click_targets(slide_element: etree._Element) -> list[list[int]]:
    """Return the shape ids each click of a slide's main sequence makes appear.

    The reverse of :func:`set_click_animation`, for tests and for reading a deck back.
    """
    clicks: list[list[int]] = []
    for step in slide_element.iterfind(f".//{_P}cTn[@nodeType='mainSeq']/{_P}childTnLst/{_P}par"):
        targets = step.iterfind(f".//{_P}cTn[@nodeType='clickEffect']//{_P}spTgt")
        clicks.append([int(t.get("spid")) for t in targets])
    return clicks
