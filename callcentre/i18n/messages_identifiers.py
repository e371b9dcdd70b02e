"""Messages for the identifiers area: key -> (Simplified Chinese, English).

``reason.<code>`` explains each reason code of :mod:`sampling.identifiers.reasons`
to the department that sent the list (check workbook) and to the supervisor.
``identifiers.severity.<name>`` names the severities.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- severities -------------------------------------------------------------------
    "identifiers.severity.reject_identify": ("无法识别企业", "cannot identify the enterprise"),
    "identifiers.severity.reject_call": ("无法拨打", "cannot be called"),
    "identifiers.severity.warning": ("警告", "warning"),
    "identifiers.severity.info": ("提示", "note"),
    # --- unified social credit code -------------------------------------------------------
    "reason.uscc_missing": (
        "统一社会信用代码为空。",
        "The unified social credit code is empty.",
    ),
    "reason.uscc_bad_length": (
        "统一社会信用代码位数不对：应为18位。",
        "The unified social credit code has the wrong length: it must have 18 characters.",
    ),
    "reason.uscc_bad_char": (
        "统一社会信用代码含有不允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）。",
        (
            "The unified social credit code contains a character that is not allowed "
            "(only digits and upper-case letters except I, O, S, V, Z)."
        ),
    ),
    "reason.uscc_bad_check": (
        "统一社会信用代码校验位不符，可能有录入错误，请核对。",
        (
            "The check character of the unified social credit code does not match; "
            "probably a typing error, please check."
        ),
    ),
    "reason.uscc_float_lost": (
        (
            "统一社会信用代码被Excel存成了数字，只保留了15位有效数字，后几位已丢失无法恢复；"
            "请将该列设为文本格式后重新填写。"
        ),
        (
            "The credit code was stored by Excel as a number, which keeps only 15 significant "
            "digits: the last digits are lost for good. Format the column as text and re-enter it."
        ),
    ),
    "reason.uscc_orgcode9": (
        "填写的是9位组织机构代码，不是18位统一社会信用代码。",
        "This is a 9-character organisation code, not the 18-character credit code.",
    ),
    "reason.uscc_regno15": (
        "填写的是15位旧工商注册号，不是统一社会信用代码；已保留，请补充18位代码。",
        (
            "This is an old 15-digit business registration number, not a credit code; "
            "kept, please supply the 18-character code."
        ),
    ),
    "reason.uscc_normalised": (
        "统一社会信用代码含全角字符、小写字母、空格或横线，已自动规范。",
        (
            "The credit code contained full-width characters, lower case, spaces or dashes; "
            "normalised automatically."
        ),
    ),
    "reason.uscc_note_deregistered": (
        "统一社会信用代码后注明“已注销”：代码已读取，该企业可能不在调查范围内，请在抽样前核实。",
        ("The credit code is followed by the note 已注销 (deregistered): the code was read; the "
        "enterprise may be out of scope, please check before sampling."),
    ),
    "reason.uscc_note_revoked": (
        "统一社会信用代码后注明“吊销”：代码已读取，该企业可能不在调查范围内，请在抽样前核实。",
        ("The credit code is followed by the note 吊销 (licence revoked): the code was read; "
        "the enterprise may be out of scope, please check before sampling."),
    ),
    "reason.uscc_note_other": (
        "统一社会信用代码后附有状态说明（如迁出、停业），代码已读取，请核实。",
        ("The credit code is followed by a status note (moved away, closed …): the code was "
        "read, please check."),
    ),
    "reason.orgcode_check": (
        "统一社会信用代码第9–17位（组织机构代码）的校验位不符，请核对（不影响导入）。",
        (
            "Positions 9-17 (the organisation code) fail their own check; please verify "
            "(the row is still imported)."
        ),
    ),
    # --- phone numbers ------------------------------------------------------------------
    "reason.phone_missing": (
        "联系电话为空。",
        "The phone number is empty.",
    ),
    "reason.phone_invalid": (
        "联系电话中有无效号码（位数或号段不对）。",
        "The phone cell contains a piece that is not a valid number (wrong length or prefix).",
    ),
    "reason.phone_none_valid": (
        "联系电话中没有可拨打的有效号码。",
        "The phone cell contains no valid number that can be called.",
    ),
    "reason.phone_service_number": (
        "联系电话填写的是调研外呼号码（96599966/96599977/96599988），不是企业号码。",
        (
            "The phone cell holds one of the survey's own outbound numbers "
            "(96599966/96599977/96599988), not the enterprise's."
        ),
    ),
    "reason.phone_special": (
        "联系电话是400/800/95开头等服务热线，可能无法直接联系到企业负责人。",
        (
            "The number is a 400/800/95xxx service line and may not reach the enterprise's "
            "contact person directly."
        ),
    ),
    "reason.phone_multiple": (
        "一个单元格内有多个号码，已全部保留，第一个有效号码为主号码。",
        "Several numbers in one cell: all kept, the first valid one is the primary.",
    ),
    "reason.phone_float": (
        "联系电话被存成了数字格式，已转换为号码。",
        "The phone number was stored as a number; converted.",
    ),
    "reason.phone_local8": (
        "{local_digits}位号码按{region}固定电话处理，已加区号{area_code}。",
        ("A {local_digits}-digit number was taken as a landline of {region} and given the "
         "{area_code} area code."),
    ),
    "reason.phone_extension": (
        "号码带分机号，已单独保存分机。",
        "The number has an extension; stored separately.",
    ),
    # --- districts ----------------------------------------------------------------------
    "reason.district_missing": (
        "所属区为空。",
        "The district is empty.",
    ),
    "reason.district_unknown": (
        "无法识别所属区，请填写{region}{districts_n}个区之一（如{district_examples}）。",
        (
            "The district is not recognised; use one of the {districts_n} districts of "
            "{region} (e.g. {district_examples})."
        ),
    ),
    "reason.district_ambiguous_kaifaqu": (
        "只填写了“开发区”，多个区都有开发区，无法确定所属区，请写明区名。",
        (
            'Only "开发区" (development zone) was given; several districts have one, so the '
            "district is unknown. Please name the district."
        ),
    ),
    "reason.district_multiple": (
        "所属区一栏写了多个不同的区，无法确定。",
        "The district cell names more than one district.",
    ),
    "reason.district_alias": (
        "所属区使用旧名称或旧代码（如{old_examples}），已按现行区划转换。",
        "An old district name or code (e.g. {old_examples}) was mapped to the current district.",
    ),
    "reason.district_zone": (
        "所属区填写的是功能区（如开发区），已归入其所在的区。",
        "A functional zone was given; mapped to the district it lies in.",
    ),
    "reason.district_from_address": (
        "所属区按地址一栏中的区名确定（没有区一栏或该栏为空）。",
        "The district was taken from the address (no district column, or its cell is empty).",
    ),
    "reason.district_from_sheet": (
        "所属区按工作表名称确定（每区一张工作表，没有区一栏）。",
        ("The district was taken from the sheet's name (one sheet per district, no district "
        "column)."),
    ),
    "reason.address_outside_tianjin": (
        "地址不在{region}，请核实该企业是否属于本次评估范围。",
        "The address lies outside {region}: please check whether the enterprise is in scope.",
    ),
    # --- names ----------------------------------------------------------------------------
    "reason.name_missing": (
        "企业名称为空。",
        "The enterprise name is empty.",
    ),
    "reason.name_truncated": (
        "企业名称超过 300 个字符，只保存了前 300 个字符（完整内容保留在原始单元格中），请核对。",
        ("The company name is longer than 300 characters; only the first 300 are stored "
        "(the full text is kept in the raw cells)."),
    ),
    "reason.name_normalised": (
        "企业名称含全角/半角混用、多余空格或括号不统一，已自动规范。",
        (
            "The enterprise name had mixed-width characters, extra spaces or mixed brackets; "
            "normalised automatically."
        ),
    ),
}
