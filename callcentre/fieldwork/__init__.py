"""Fieldwork rules, pure: no database, no Textual (DESIGN §3, issue 12).

- :mod:`~callcentre.fieldwork.calendar`: working days (``chinesecalendar`` + an imported
  table; Monday–Friday with a loud warning for years without data);
- :mod:`~callcentre.fieldwork.calendar_file`: the parser of the imported holiday table;
- :mod:`~callcentre.fieldwork.hours`: calling windows and half-days;
- :mod:`~callcentre.fieldwork.dispositions`: the AAPOR outcome codes (establishment reading);
- :mod:`~callcentre.fieldwork.case`: a case's state as the scheduler sees it;
- :mod:`~callcentre.fieldwork.final`: a case's final disposition from its attempts;
- :mod:`~callcentre.fieldwork.rules`: the scheduler (callable now? why not? when? which number?);
- :mod:`~callcentre.fieldwork.rates`: AAPOR RR/COOP/REF/CON, vectorised over groups;
- :mod:`~callcentre.fieldwork.config`: all of the above's settings from a ``[fieldwork]`` table;
- :mod:`~callcentre.fieldwork.notices`: messages as catalogue keys until shown.

The database layer reads cases into :class:`~callcentre.fieldwork.case.CaseState`,
asks :func:`~callcentre.fieldwork.rules.decide`, and stores what it says.
"""
