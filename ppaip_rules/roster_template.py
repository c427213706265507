"""The ``.xlsx`` template of a roster (« ppaip-rules modele roster > effectifs.xlsx »).

One sheet per kind of row, with the columns :mod:`ppaip_rules.roster_csv` reads (their
French headers come from the models' description) and drop-down lists of the French
labels of the coded columns.
"""

from __future__ import annotations

import io

from .describe import CODE, described
from .errors import InputError
from .roster_csv import _LAYOUT, _MODELS, SHEETS, _bool, _date, _dates, _list, _text, columns_of

# --- the .xlsx template (« ppaip-rules modele roster > effectifs.xlsx ») -----------------

#: The drop-down list of each coded column (the first spelling of each choice).
CHOICES: dict[str, tuple[str, ...]] = {
    **{info.header: tuple(info.codes.of(None).values()) for _, model in _MODELS.values()
       for _, info in described(model)
       if info.kind == CODE and not info.many and info.header and info.codes},
    **{header: ("oui", "non") for _, (_, cells) in _LAYOUT.items()
       for header, (_, convert) in cells.items() if convert is _bool},
}
#: Columns kept as text in the template, so that leading zeros survive.
TEXT_COLUMNS = ("numéro ADELI ou RPPS", "identifiant", "département", "coordinateur",
                "intervenant", "établissement", "remplacé par", "sites")
#: Rows of the template prepared with the drop-down lists and formats.
TEMPLATE_ROWS = 500


def roster_template() -> bytes:
    """The ``.xlsx`` template of a roster: one sheet per kind of row with its French
    headers (the meaning of each as a note on its header), drop-down lists for the coded
    columns, dates as ``JJ/MM/AAAA`` and identifiers and the ADELI/RPPS number as text.
    Needs openpyxl (extra ``tableur``)."""
    try:
        from openpyxl import Workbook
        from openpyxl.comments import Comment
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:
        raise InputError("modele", "l'extension « tableur » installée pour écrire le modèle "
                                   "(pip install 'ppaip-rules[tableur]')",
                         "écriture des classeurs .xlsx non installée") from None
    book = Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    last = TEMPLATE_ROWS + 1
    for row_type, name in SHEETS.items():
        sheet = book.create_sheet(name)
        cells = _LAYOUT[row_type][1]
        for i, column in enumerate(columns_of(row_type), 1):
            letter = get_column_letter(i)
            head = sheet.cell(row=1, column=i, value=column.header)
            head.font, head.fill = bold, fill
            head.comment = Comment(f"{column.meaning} Exemple : {column.example}", "ppaip-rules",
                                   width=320, height=120)
            sheet.column_dimensions[letter].width = max(14, min(45, len(column.header) + 4))
            convert = cells[column.header][1]
            style = ("DD/MM/YYYY" if convert is _date else
                     "@" if column.header in TEXT_COLUMNS or convert in (_text, _list, _dates)
                     else None)
            if style:
                for row in range(2, last + 1):
                    sheet.cell(row=row, column=i).number_format = style
            choices = CHOICES.get(column.header)
            if choices:
                check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                       allow_blank=True, showErrorMessage=True,
                                       errorTitle=column.header,
                                       error="Choisir une valeur de la liste : "
                                             + ", ".join(choices))
                check.add(f"{letter}2:{letter}{last}")
                sheet.add_data_validation(check)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
