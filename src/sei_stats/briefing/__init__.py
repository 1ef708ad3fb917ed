"""Briefings (统计快报, the annual evaluation): ``document`` says what a briefing says; ``docx_writer``,
``html_writer`` and ``xlsx_writer`` write it as Word, one HTML page and an Excel workbook."""
