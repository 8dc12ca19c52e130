"""The country names of django-countries, for `make makemessages`.

django-countries has no Indonesian catalogue: the names come into ours through these entries
(translated from the Unicode CLDR's Indonesian names), and Django finds them there when
django-countries looks a name up, since it searches every catalogue for a message. The
English texts are django-countries' (with its common names, e.g. "South Korea"); a newer
release that renames a country fails tests/core/test_untranslated.py until the name is added
here and translated. Nothing imports this module."""

from django.utils.translation import gettext_noop as _

NAMES = [
    _("Andorra"),  # AD
    _("United Arab Emirates"),  # AE
    _("Afghanistan"),  # AF
    _("Antigua and Barbuda"),  # AG
    _("Anguilla"),  # AI
    _("Albania"),  # AL
    _("Armenia"),  # AM
    _("Angola"),  # AO
    _("Antarctica"),  # AQ
    _("Argentina"),  # AR
    _("American Samoa"),  # AS
    _("Austria"),  # AT
    _("Australia"),  # AU
    _("Aruba"),  # AW
    _("Åland Islands"),  # AX
    _("Azerbaijan"),  # AZ
    _("Bosnia and Herzegovina"),  # BA
    _("Barbados"),  # BB
    _("Bangladesh"),  # BD
    _("Belgium"),  # BE
    _("Burkina Faso"),  # BF
    _("Bulgaria"),  # BG
    _("Bahrain"),  # BH
    _("Burundi"),  # BI
    _("Benin"),  # BJ
    _("Saint Barthélemy"),  # BL
    _("Bermuda"),  # BM
    _("Brunei"),  # BN
    _("Bolivia"),  # BO
    _("Bonaire, Sint Eustatius and Saba"),  # BQ
    _("Brazil"),  # BR
    _("Bahamas (The)"),  # BS
    _("Bhutan"),  # BT
    _("Bouvet Island"),  # BV
    _("Botswana"),  # BW
    _("Belarus"),  # BY
    _("Belize"),  # BZ
    _("Canada"),  # CA
    _("Cocos (Keeling) Islands"),  # CC
    _("Democratic Republic of the Congo"),  # CD
    _("Central African Republic"),  # CF
    _("Congo"),  # CG
    _("Switzerland"),  # CH
    _("Côte d'Ivoire"),  # CI
    _("Cook Islands"),  # CK
    _("Chile"),  # CL
    _("Cameroon"),  # CM
    _("China"),  # CN
    _("Colombia"),  # CO
    _("Costa Rica"),  # CR
    _("Cuba"),  # CU
    _("Cabo Verde"),  # CV
    _("Curaçao"),  # CW
    _("Christmas Island"),  # CX
    _("Cyprus"),  # CY
    _("Czechia"),  # CZ
    _("Germany"),  # DE
    _("Djibouti"),  # DJ
    _("Denmark"),  # DK
    _("Dominica"),  # DM
    _("Dominican Republic"),  # DO
    _("Algeria"),  # DZ
    _("Ecuador"),  # EC
    _("Estonia"),  # EE
    _("Egypt"),  # EG
    _("Western Sahara"),  # EH
    _("Eritrea"),  # ER
    _("Spain"),  # ES
    _("Ethiopia"),  # ET
    _("Finland"),  # FI
    _("Fiji"),  # FJ
    _("Falkland Islands (Malvinas)"),  # FK
    _("Micronesia"),  # FM
    _("Faroe Islands"),  # FO
    _("France"),  # FR
    _("Gabon"),  # GA
    _("United Kingdom"),  # GB
    _("Grenada"),  # GD
    _("Georgia"),  # GE
    _("French Guiana"),  # GF
    _("Guernsey"),  # GG
    _("Ghana"),  # GH
    _("Gibraltar"),  # GI
    _("Greenland"),  # GL
    _("Gambia"),  # GM
    _("Guinea"),  # GN
    _("Guadeloupe"),  # GP
    _("Equatorial Guinea"),  # GQ
    _("Greece"),  # GR
    _("South Georgia"),  # GS
    _("Guatemala"),  # GT
    _("Guam"),  # GU
    _("Guinea-Bissau"),  # GW
    _("Guyana"),  # GY
    _("Hong Kong"),  # HK
    _("Heard Island and McDonald Islands"),  # HM
    _("Honduras"),  # HN
    _("Croatia"),  # HR
    _("Haiti"),  # HT
    _("Hungary"),  # HU
    _("Indonesia"),  # ID
    _("Ireland"),  # IE
    _("Israel"),  # IL
    _("Isle of Man"),  # IM
    _("India"),  # IN
    _("British Indian Ocean Territory"),  # IO
    _("Iraq"),  # IQ
    _("Iran"),  # IR
    _("Iceland"),  # IS
    _("Italy"),  # IT
    _("Jersey"),  # JE
    _("Jamaica"),  # JM
    _("Jordan"),  # JO
    _("Japan"),  # JP
    _("Kenya"),  # KE
    _("Kyrgyzstan"),  # KG
    _("Cambodia"),  # KH
    _("Kiribati"),  # KI
    _("Comoros"),  # KM
    _("Saint Kitts and Nevis"),  # KN
    _("North Korea"),  # KP
    _("South Korea"),  # KR
    _("Kuwait"),  # KW
    _("Cayman Islands"),  # KY
    _("Kazakhstan"),  # KZ
    _("Laos"),  # LA
    _("Lebanon"),  # LB
    _("Saint Lucia"),  # LC
    _("Liechtenstein"),  # LI
    _("Sri Lanka"),  # LK
    _("Liberia"),  # LR
    _("Lesotho"),  # LS
    _("Lithuania"),  # LT
    _("Luxembourg"),  # LU
    _("Latvia"),  # LV
    _("Libya"),  # LY
    _("Morocco"),  # MA
    _("Monaco"),  # MC
    _("Moldova"),  # MD
    _("Montenegro"),  # ME
    _("Saint Martin (French part)"),  # MF
    _("Madagascar"),  # MG
    _("Marshall Islands"),  # MH
    _("North Macedonia"),  # MK
    _("Mali"),  # ML
    _("Myanmar"),  # MM
    _("Mongolia"),  # MN
    _("Macao"),  # MO
    _("Northern Mariana Islands"),  # MP
    _("Martinique"),  # MQ
    _("Mauritania"),  # MR
    _("Montserrat"),  # MS
    _("Malta"),  # MT
    _("Mauritius"),  # MU
    _("Maldives"),  # MV
    _("Malawi"),  # MW
    _("Mexico"),  # MX
    _("Malaysia"),  # MY
    _("Mozambique"),  # MZ
    _("Namibia"),  # NA
    _("New Caledonia"),  # NC
    _("Niger"),  # NE
    _("Norfolk Island"),  # NF
    _("Nigeria"),  # NG
    _("Nicaragua"),  # NI
    _("Netherlands"),  # NL
    _("Norway"),  # NO
    _("Nepal"),  # NP
    _("Naoero"),  # NR
    _("Niue"),  # NU
    _("New Zealand"),  # NZ
    _("Oman"),  # OM
    _("Panama"),  # PA
    _("Peru"),  # PE
    _("French Polynesia"),  # PF
    _("Papua New Guinea"),  # PG
    _("Philippines"),  # PH
    _("Pakistan"),  # PK
    _("Poland"),  # PL
    _("Saint Pierre and Miquelon"),  # PM
    _("Pitcairn"),  # PN
    _("Puerto Rico"),  # PR
    _("Palestine"),  # PS
    _("Portugal"),  # PT
    _("Palau"),  # PW
    _("Paraguay"),  # PY
    _("Qatar"),  # QA
    _("Réunion"),  # RE
    _("Romania"),  # RO
    _("Serbia"),  # RS
    _("Russia"),  # RU
    _("Rwanda"),  # RW
    _("Saudi Arabia"),  # SA
    _("Solomon Islands"),  # SB
    _("Seychelles"),  # SC
    _("Sudan"),  # SD
    _("Sweden"),  # SE
    _("Singapore"),  # SG
    _("Saint Helena"),  # SH
    _("Slovenia"),  # SI
    _("Svalbard and Jan Mayen"),  # SJ
    _("Slovakia"),  # SK
    _("Sierra Leone"),  # SL
    _("San Marino"),  # SM
    _("Senegal"),  # SN
    _("Somalia"),  # SO
    _("Suriname"),  # SR
    _("South Sudan"),  # SS
    _("Sao Tome and Principe"),  # ST
    _("El Salvador"),  # SV
    _("Sint Maarten (Dutch part)"),  # SX
    _("Syria"),  # SY
    _("Eswatini"),  # SZ
    _("Turks and Caicos Islands"),  # TC
    _("Chad"),  # TD
    _("French Southern Territories"),  # TF
    _("Togo"),  # TG
    _("Thailand"),  # TH
    _("Tajikistan"),  # TJ
    _("Tokelau"),  # TK
    _("Timor-Leste"),  # TL
    _("Turkmenistan"),  # TM
    _("Tunisia"),  # TN
    _("Tonga"),  # TO
    _("Türkiye"),  # TR
    _("Trinidad and Tobago"),  # TT
    _("Tuvalu"),  # TV
    _("Taiwan"),  # TW
    _("Tanzania"),  # TZ
    _("Ukraine"),  # UA
    _("Uganda"),  # UG
    _("United States Minor Outlying Islands"),  # UM
    _("United States of America"),  # US
    _("Uruguay"),  # UY
    _("Uzbekistan"),  # UZ
    _("Vatican City"),  # VA
    _("Saint Vincent and the Grenadines"),  # VC
    _("Venezuela"),  # VE
    _("Virgin Islands (British)"),  # VG
    _("Virgin Islands (U.S.)"),  # VI
    _("Vietnam"),  # VN
    _("Vanuatu"),  # VU
    _("Wallis and Futuna"),  # WF
    _("Samoa"),  # WS
    _("Yemen"),  # YE
    _("Mayotte"),  # YT
    _("South Africa"),  # ZA
    _("Zambia"),  # ZM
    _("Zimbabwe"),  # ZW
]
