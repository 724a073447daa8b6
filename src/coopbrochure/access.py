"""Finishing a laid-out web PDF for screen readers: link descriptions, table header scopes, spaced capitals."""

from __future__ import annotations

import io

LETTER_SPACED = 0.05  # a run whose letters stand this far apart (of the type size) is letter-spaced
WORD_SPACE = 0.12  # ... and a gap this much wider than its usual one is a word space


def finish_web(data: bytes) -> bytes:
    """Link annotations described by the words they cover; table header cells with a /Scope; letter-spaced
    runs (spaced capitals) given their words as /ActualText, so that they are read and copied as words."""
    import pikepdf
    import pypdfium2

    texts = {}
    document = pypdfium2.PdfDocument(data)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages):
                links = [annotation for annotation in page.obj.get("/Annots", [])
                         if annotation.get("/Subtype") == "/Link" and "/Rect" in annotation]
                text_page = document[number].get_textpage()
                _actual_text(pdf, page, _letter_spaced(text_page))
                if not links:
                    text_page.close()
                    continue
                groups: dict = {}  # one link is several annotations (one per line or box): one description
                for annotation in links:
                    left, bottom, right, top = (float(value) for value in annotation.Rect)
                    words = _link_words(text_page.get_text_bounded(left, bottom, right, top))
                    target = str(annotation.get("/Dest", "")) or str(annotation.get("/A", {}).get("/URI", ""))
                    group = groups.setdefault(target or annotation.objgen, [])
                    group.append((annotation, words))
                for group in groups.values():
                    description = max((words for _, words in group), key=len)
                    for annotation, _ in group:
                        if description:
                            texts[annotation.objgen] = description
                text_page.close()
            for page in pdf.pages:
                for annotation in page.obj.get("/Annots", []):
                    if annotation.objgen in texts:
                        annotation.Contents = pikepdf.String(texts[annotation.objgen])
            if "/StructTreeRoot" in pdf.Root:
                _scope_headers(pdf.Root.StructTreeRoot)
            out = io.BytesIO()
            pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return out.getvalue()
    finally:
        document.close()


def _letter_spaced(text_page) -> dict[int, str]:
    """The words of each letter-spaced marked-content sequence of a page, by MCID.

    A viewer sees letter spacing as a space between every two letters; the words are found again by
    the gaps: a gap wider than the run's usual one by WORD_SPACE of the type size is a word space.
    """
    import ctypes

    import pypdfium2.raw as pdfium

    runs: dict[int, list] = {}
    generated: dict[int, int] = {}
    last = None
    for index in range(text_page.count_chars()):
        if pdfium.FPDFText_IsGenerated(text_page.raw, index) == 1:
            if last is not None:
                generated[last] = generated.get(last, 0) + 1
            continue
        owner = pdfium.FPDFText_GetTextObject(text_page.raw, index)
        mcid = pdfium.FPDFPageObj_GetMarkedContentID(owner) if owner else -1
        character = chr(pdfium.FPDFText_GetUnicode(text_page.raw, index))
        if mcid < 0 or character in "\r\n\ufffe\x02":
            continue
        box = pdfium.FS_RECTF()  # the character's advance, not its ink: gaps are spacing only
        pdfium.FPDFText_GetLooseCharBox(text_page.raw, index, ctypes.byref(box))
        size = pdfium.FPDFText_GetFontSize(text_page.raw, index)
        runs.setdefault(mcid, []).append((character, box.left, box.right, box.bottom, size))
        last = mcid
    found = {}
    for mcid, characters in runs.items():
        letters = [item for item in characters if not item[0].isspace()]
        if len(letters) < 3 or generated.get(mcid, 0) < (len(letters) - 1) / 2:
            continue
        gaps = [(following[1] - current[2], current, following) for current, following in zip(letters, letters[1:])
                if abs(following[3] - current[3]) < current[4] * 0.3 and following[1] >= current[2] - 0.5]
        if not gaps:
            continue
        usual = sorted(gap for gap, _, _ in gaps)[len(gaps) // 2]
        if usual < LETTER_SPACED * letters[0][4]:
            continue  # not letter-spaced: ordinary text with its spaces
        text = letters[0][0]
        for current, following in zip(letters, letters[1:]):
            gap = following[1] - current[2]
            new_line = abs(following[3] - current[3]) >= current[4] * 0.3 or following[1] < current[2] - 0.5
            text += (" " if new_line or gap > usual + WORD_SPACE * current[4] else "") + following[0]
        found[mcid] = text
    return found


def _actual_text(pdf, page, texts: dict[int, str]) -> None:
    """/ActualText for the marked-content sequences in `texts`: on their structure element when it holds
    nothing else, else on the sequence's own property list."""
    import pikepdf

    if not texts:
        return
    elements = {}
    if "/StructParents" in page.obj and "/StructTreeRoot" in pdf.Root and "/ParentTree" in pdf.Root.StructTreeRoot:
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        parents = tree.get(int(page.obj.StructParents))
        if isinstance(parents, pikepdf.Array):
            elements = {mcid: element for mcid, element in enumerate(parents) if mcid in texts}
    rest = {}
    for mcid, text in texts.items():
        element = elements.get(mcid)
        kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
        only = kids == mcid or (isinstance(kids, pikepdf.Array) and len(kids) == 1 and kids[0] == mcid)
        if only:
            element.ActualText = pikepdf.String(text)
        else:
            rest[mcid] = text
    if not rest:
        return
    page.contents_coalesce()
    instructions = list(pikepdf.parse_content_stream(page))
    changed = False
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInstruction) and str(instruction.operator) == "BDC":
            properties = instruction.operands[-1] if len(instruction.operands) == 2 else None
            if isinstance(properties, pikepdf.Dictionary) and int(properties.get("/MCID", -1)) in rest:
                properties.ActualText = pikepdf.String(rest[int(properties.MCID)])
                changed = True
    if changed:
        page.Contents.write(pikepdf.unparse_content_stream(instructions))


def _link_words(text: str) -> str:
    """The words of a link as a reader says them: spaced capitals ("L A N D E N") joined, arrows dropped."""
    import re

    words = " ".join(text.replace("›", " ").replace("→", " ").split())
    for single in (r"[^\W\d_]", r"\d"):  # runs of single letters, then of single digits
        words = re.sub(rf"\b{single}(?: {single}\b){{2,}}", lambda match: match[0].replace(" ", ""), words)
    return re.sub(r"\b(\d) (\d)\b", r"\1\2", words)


def _scope_headers(root) -> None:
    """A TH in a row with data cells heads that row; otherwise it heads its column."""
    import pikepdf

    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen:
            continue
        seen.add(node.objgen)
        kids = node.get("/K")
        children = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        if node.get("/S") == "/TR":
            has_data = any(isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/TD" for kid in children)
            for kid in children:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/TH":
                    attributes = kid.get("/A")
                    if not isinstance(attributes, pikepdf.Dictionary):
                        attributes = kid.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
                    attributes.Scope = pikepdf.Name.Row if has_data else pikepdf.Name.Column
        stack.extend(kid for kid in children if isinstance(kid, pikepdf.Dictionary))
