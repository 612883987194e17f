"""Figures transcribed from the CBS report *Outcomemonitor Wijkenaanpak, Tweede
Voortgangsrapportage* (2012): the yearly group tables of its chapter 2.

Per indicator and group (G18, G4, G14) three series for 2006-2012 ("." = no figure):
``p`` is the printed deviation of the group's aandachtswijken from the whole group (in %),
``ref`` the printed value of the whole group and ``focus`` that of its aandachtswijken
(both rounded as printed). The same figures are in ``data/reference/
report_2012_group_tables.csv``; a test checks that the two agree. The synthetic demo data
are calibrated against them.

``THEME_ONLY`` holds the indicators the report shows only in a theme diagram: the printed
G18 deviation at the Nulmeting and at the latest period.
"""

from __future__ import annotations

YEARS = tuple(range(2006, 2013))

_GROUP_TABLES = """
sociale_huurwoningen                   G18 p          .   41.2   40.5   39.2   37.5   37.0      .
sociale_huurwoningen                   G18 ref        .     43     42     41     41     41      .
sociale_huurwoningen                   G18 focus      .     61     59     58     57     56      .
sociale_huurwoningen                   G4  p          .   32.1   31.1   30.8   29.5   29.0      .
sociale_huurwoningen                   G4  ref        .     46     45     44     44     43      .
sociale_huurwoningen                   G4  focus      .     61     59     57     57     56      .
sociale_huurwoningen                   G14 p          .   57.4   55.1   52.9   50.5   49.6      .
sociale_huurwoningen                   G14 ref        .     40     38     38     38     38      .
sociale_huurwoningen                   G14 focus      .     63     59     58     58     57      .
verkoopprijs_woningen                  G18 p      -28.0  -28.9  -28.9  -26.9  -27.4  -26.8      .
verkoopprijs_woningen                  G18 ref      211    225    235    223    226    228      .
verkoopprijs_woningen                  G18 focus    152    160    167    163    164    167      .
verkoopprijs_woningen                  G4  p      -32.0  -32.5  -33.2  -30.7  -31.7  -31.5      .
verkoopprijs_woningen                  G4  ref      222    240    253    238    243    248      .
verkoopprijs_woningen                  G4  focus    151    162    169    165    166    170      .
verkoopprijs_woningen                  G14 p      -22.2  -25.2  -25.8  -23.2  -22.2  -23.8      .
verkoopprijs_woningen                  G14 ref      198    206    213    203    203    202      .
verkoopprijs_woningen                  G14 focus    154    154    158    156    158    154      .
leefbaarheidsscore                     G18 p      -26.6      .  -25.7      .  -24.0      .      .
leefbaarheidsscore                     G18 ref        4      .      5      .      5      .      .
leefbaarheidsscore                     G18 focus      3      .      3      .      3      .      .
leefbaarheidsscore                     G4  p      -24.1      .  -22.6      .  -22.3      .      .
leefbaarheidsscore                     G4  ref        4      .      4      .      4      .      .
leefbaarheidsscore                     G4  focus      3      .      3      .      3      .      .
leefbaarheidsscore                     G14 p      -23.5      .  -21.1      .  -20.4      .      .
leefbaarheidsscore                     G14 ref        5      .      5      .      5      .      .
leefbaarheidsscore                     G14 focus      3      .      4      .      4      .      .
voorzieningenniveau                    G18 p        5.9      .    6.8      .    6.9      .      .
voorzieningenniveau                    G18 ref       18      .     17      .     16      .      .
voorzieningenniveau                    G18 focus     25      .     25      .     24      .      .
voorzieningenniveau                    G4  p        2.4      .    2.4      .    4.1      .      .
voorzieningenniveau                    G4  ref       26      .     25      .     22      .      .
voorzieningenniveau                    G4  focus     29      .     28      .     27      .      .
voorzieningenniveau                    G14 p        3.7      .    3.7      .    4.7      .      .
voorzieningenniveau                    G14 ref        9      .      8      .      7      .      .
voorzieningenniveau                    G14 focus     13      .     12      .     12      .      .
havo_vwo_3e_leerjaar                   G18 p      -37.1  -34.5  -35.4  -33.8  -33.4  -35.5      .
havo_vwo_3e_leerjaar                   G18 ref       41     42     43     44     44     45      .
havo_vwo_3e_leerjaar                   G18 focus     26     28     28     29     30     29      .
havo_vwo_3e_leerjaar                   G4  p      -33.2  -31.4  -33.8  -30.6  -30.9  -32.7      .
havo_vwo_3e_leerjaar                   G4  ref       39     41     41     42     43     43      .
havo_vwo_3e_leerjaar                   G4  focus     26     28     27     29     30     29      .
havo_vwo_3e_leerjaar                   G14 p      -42.3  -38.1  -33.6  -36.9  -37.2  -39.0      .
havo_vwo_3e_leerjaar                   G14 ref       43     44     45     47     46     47      .
havo_vwo_3e_leerjaar                   G14 focus     25     27     30     29     29     28      .
voortijdig_schoolverlaters             G18 p       31.7   32.8   34.5   31.4   33.3   37.5      .
voortijdig_schoolverlaters             G18 ref      6.3    6.1    5.8    5.1    5.1    4.8      .
voortijdig_schoolverlaters             G18 focus    8.3    8.1    7.8    6.7    6.8    6.6      .
voortijdig_schoolverlaters             G4  p       13.9   17.4   21.5   19.6   19.6   24.5      .
voortijdig_schoolverlaters             G4  ref      7.2    6.9    6.5    5.6    5.6    5.3      .
voortijdig_schoolverlaters             G4  focus    8.2    8.1    7.9    6.7    6.7    6.6      .
voortijdig_schoolverlaters             G14 p       56.4   50.0   52.0   53.3   52.2   50.0      .
voortijdig_schoolverlaters             G14 ref      5.5    5.2    5.0    4.5    4.6    4.2      .
voortijdig_schoolverlaters             G14 focus    8.6    7.8    7.6    6.9    7.0    6.3      .
cito_score                             G18 p          .  -21.8  -19.6  -22.5  -22.7  -22.5      .
cito_score                             G18 ref        .    -12    -11    -13    -15    -13      .
cito_score                             G18 focus      .    -53    -48    -55    -57    -55      .
cito_score                             G4  p          .  -19.3  -18.0  -20.0  -20.5  -21.4      .
cito_score                             G4  ref        .    -19    -17    -20    -24    -18      .
cito_score                             G4  focus      .    -54    -50    -56    -60    -57      .
cito_score                             G14 p          .  -20.4  -19.3  -22.4  -20.3  -20.6      .
cito_score                             G14 ref        .     -4     -3     -4     -3     -6      .
cito_score                             G14 focus      .    -44    -41    -48    -43    -46      .
niet_werkend_werkzoekenden             G18 p          .   60.8   64.9   62.4   51.1   45.8   43.5
niet_werkend_werkzoekenden             G18 ref        .    6.7    5.2    5.0    5.3    5.3    5.0
niet_werkend_werkzoekenden             G18 focus      .   10.8    8.6    8.2    8.1    7.7    7.2
niet_werkend_werkzoekenden             G4  p          .   52.3   55.3   55.1   46.2   43.8   42.0
niet_werkend_werkzoekenden             G4  ref        .    7.1    5.6    5.3    5.5    5.3    5.1
niet_werkend_werkzoekenden             G4  focus      .   10.8    8.8    8.2    8.0    7.7    7.2
niet_werkend_werkzoekenden             G14 p          .   70.7   71.7   70.2   62.1   52.5   47.5
niet_werkend_werkzoekenden             G14 ref        .    6.2    4.8    4.7    5.2    5.3    5.0
niet_werkend_werkzoekenden             G14 focus      .   10.6    8.2    8.0    8.5    8.1    7.4
inkomsten_uit_arbeid                   G18 p          .  -12.2  -11.1  -10.4  -11.3  -10.9      .
inkomsten_uit_arbeid                   G18 ref        .   66.7   68.3   68.9   67.2   67.5      .
inkomsten_uit_arbeid                   G18 focus      .   58.6   60.7   61.7   59.6   60.1      .
inkomsten_uit_arbeid                   G4  p          .  -11.3  -10.3   -9.7  -10.5  -10.2      .
inkomsten_uit_arbeid                   G4  ref        .   65.8   67.3   68.1   66.3   66.6      .
inkomsten_uit_arbeid                   G4  focus      .   58.3   60.4   61.5   59.4   59.8      .
inkomsten_uit_arbeid                   G14 p          .  -12.0  -10.8  -10.5  -11.2  -10.6      .
inkomsten_uit_arbeid                   G14 ref        .   67.9   69.4   69.9   68.1   68.6      .
inkomsten_uit_arbeid                   G14 focus      .   59.8   61.8   62.5   60.5   61.4      .
werkloosheidsuitkeringen               G18 p          .   10.3   11.9   14.6   13.9   12.3   12.5
werkloosheidsuitkeringen               G18 ref        .    2.2    1.8    1.8    2.7    2.5    2.7
werkloosheidsuitkeringen               G18 focus      .    2.5    2.0    2.0    3.0    2.8    3.1
werkloosheidsuitkeringen               G4  p          .   13.8   15.1   16.9   14.8   13.4   12.7
werkloosheidsuitkeringen               G4  ref        .    2.1    1.7    1.7    2.6    2.5    2.7
werkloosheidsuitkeringen               G4  focus      .    2.4    1.9    1.9    2.9    2.8    3.0
werkloosheidsuitkeringen               G14 p          .   15.0   17.1   24.9   20.9   14.3   14.7
werkloosheidsuitkeringen               G14 ref        .    2.4    1.9    1.9    2.8    2.6    2.8
werkloosheidsuitkeringen               G14 focus      .    2.8    2.2    2.4    3.4    3.0    3.2
langdurig_bijstandsafhankelijken       G18 p          .   89.1   88.8   89.5   87.9   87.2   85.9
langdurig_bijstandsafhankelijken       G18 ref        .    3.9    3.6    3.3    3.2    3.1    3.1
langdurig_bijstandsafhankelijken       G18 focus      .    7.3    6.8    6.3    6.1    5.8    5.8
langdurig_bijstandsafhankelijken       G4  p          .   65.3   65.6   64.9   64.2   65.2   64.0
langdurig_bijstandsafhankelijken       G4  ref        .    4.6    4.3    4.0    3.9    3.7    3.7
langdurig_bijstandsafhankelijken       G4  focus      .    7.7    7.1    6.6    6.3    6.1    6.1
langdurig_bijstandsafhankelijken       G14 p          .  104.4  104.4  104.7  102.9   97.9  100.0
langdurig_bijstandsafhankelijken       G14 ref        .    3.0    2.8    2.6    2.5    2.4    2.4
langdurig_bijstandsafhankelijken       G14 focus      .    6.1    5.6    5.2    5.0    4.8    4.9
inkomsten_uit_arbeid_moe_landers       G18 p          .   -5.9   -5.0   -3.7   -5.0   -3.0      .
inkomsten_uit_arbeid_moe_landers       G18 ref        .     53     55     56     54     56      .
inkomsten_uit_arbeid_moe_landers       G18 focus      .     50     52     54     51     54      .
inkomsten_uit_arbeid_moe_landers       G4  p          .   -6.0   -5.5   -4.7   -6.2   -4.6      .
inkomsten_uit_arbeid_moe_landers       G4  ref        .     54     55     57     54     56      .
inkomsten_uit_arbeid_moe_landers       G4  focus      .     50     52     54     51     53      .
inkomsten_uit_arbeid_moe_landers       G14 p          .   -6.5   -2.3   -1.5    0.6    5.9      .
inkomsten_uit_arbeid_moe_landers       G14 ref        .     53     55     55     54     56      .
inkomsten_uit_arbeid_moe_landers       G14 focus      .     50     54     55     54     59      .
lage_inkomens                          G18 p       25.7   25.9   25.1   25.0   25.0      .      .
lage_inkomens                          G18 ref       48     48     48     48     48      .      .
lage_inkomens                          G18 focus     61     61     60     60     60      .      .
lage_inkomens                          G4  p       22.4   22.9   22.6   22.6   22.5      .      .
lage_inkomens                          G4  ref       49     49     49     49     49      .      .
lage_inkomens                          G4  focus     60     60     60     60     60      .      .
lage_inkomens                          G14 p       32.7   33.0   31.7   31.1   31.0      .      .
lage_inkomens                          G14 ref       47     47     48     48     48      .      .
lage_inkomens                          G14 focus     63     63     63     63     62      .      .
wanbetalers_zorgverzekering            G18 p          .     63     69     69     67     67     69
wanbetalers_zorgverzekering            G18 ref        .      2      3      3      4      3      3
wanbetalers_zorgverzekering            G18 focus      .      4      5      5      7      5      6
wanbetalers_zorgverzekering            G4  p          .     48     52     51     49     51     51
wanbetalers_zorgverzekering            G4  ref        .      2      3      4      4      3      4
wanbetalers_zorgverzekering            G4  focus      .      4      5      5      7      5      6
wanbetalers_zorgverzekering            G14 p          .     80     93     93     89     84     82
wanbetalers_zorgverzekering            G14 ref        .      2      3      3      3      2      3
wanbetalers_zorgverzekering            G14 focus      .      4      5      5      6      5      5
gestarte_schuldsaneringen              G18 p       65.6   44.4   33.3   47.1   41.0   55.8      .
gestarte_schuldsaneringen              G18 ref       15     14      8      8      9     13      .
gestarte_schuldsaneringen              G18 focus     25     21     10     11     13     21      .
gestarte_schuldsaneringen              G4  p       64.3   56.3   47.2   57.0   47.0   49.8      .
gestarte_schuldsaneringen              G4  ref       15     12      6      7      8     13      .
gestarte_schuldsaneringen              G4  focus     25     19      9     11     12     20      .
gestarte_schuldsaneringen              G14 p       75.3   54.4   39.4   57.2   56.0   76.3      .
gestarte_schuldsaneringen              G14 ref       15     17      9      9     10     13      .
gestarte_schuldsaneringen              G14 focus     27     25     12     14     16     23      .
veiligheid_overlast_score              G18 p      -14.3      .  -18.8      .  -17.6      .      .
veiligheid_overlast_score              G18 ref      -37      .    -31      .    -32      .      .
veiligheid_overlast_score              G18 focus    -46      .    -44      .    -44      .      .
veiligheid_overlast_score              G4  p       -7.0      .   -8.5      .   -8.5      .      .
veiligheid_overlast_score              G4  ref      -43      .    -41      .    -41      .      .
veiligheid_overlast_score              G4  focus    -47      .    -46      .    -46      .      .
veiligheid_overlast_score              G14 p      -18.7      .  -19.0      .  -19.3      .      .
veiligheid_overlast_score              G14 ref      -25      .    -16      .    -17      .      .
veiligheid_overlast_score              G14 focus    -39      .    -32      .    -33      .      .
pasgeborenen_extra_zorg                G18 p       16.2   17.0   10.3    9.1      .      .      .
pasgeborenen_extra_zorg                G18 ref       17     17     17     18      .      .      .
pasgeborenen_extra_zorg                G18 focus     20     20     19     20      .      .      .
pasgeborenen_extra_zorg                G4  p       15.3   16.8    8.6    8.8      .      .      .
pasgeborenen_extra_zorg                G4  ref       18     17     17     18      .      .      .
pasgeborenen_extra_zorg                G4  focus     20     20     19     19      .      .      .
pasgeborenen_extra_zorg                G14 p       16.0   19.4   17.9   14.4      .      .      .
pasgeborenen_extra_zorg                G14 ref       17     17     17     18      .      .      .
pasgeborenen_extra_zorg                G14 focus     20     20     20     21      .      .      .
medicijngebruik_index                  G18 p          .    8.1    7.6    7.9    8.2      .      .
medicijngebruik_index                  G18 ref        .    100    100    100    101      .      .
medicijngebruik_index                  G18 focus      .    108    108    108    109      .      .
medicijngebruik_index                  G4  p          .    7.9    7.4    7.4    7.8      .      .
medicijngebruik_index                  G4  ref        .    101    101    101    101      .      .
medicijngebruik_index                  G4  focus      .    109    108    109    109      .      .
medicijngebruik_index                  G14 p          .    7.0    6.9    7.3    7.3      .      .
medicijngebruik_index                  G14 ref        .    100    100     99    100      .      .
medicijngebruik_index                  G14 focus      .    106    107    106    107      .      .
integratie_havo_vwo                    G18 p       22.5   29.6   14.2   23.8   18.0   13.2      .
integratie_havo_vwo                    G18 ref    55.33  55.70  56.23  56.46  57.00  55.51      .
integratie_havo_vwo                    G18 focus  67.79  72.18  64.24  69.91  67.25  62.86      .
integratie_havo_vwo                    G4  p       23.0   37.4   17.0   25.3   23.2   14.8      .
integratie_havo_vwo                    G4  ref    52.98  52.68  51.88  51.73  52.29  50.65      .
integratie_havo_vwo                    G4  focus  65.19  72.36  60.68  64.81  64.44  58.16      .
integratie_havo_vwo                    G14 p       21.6   13.5   24.4   32.4   13.3   17.9      .
integratie_havo_vwo                    G14 ref    56.48  58.06  60.81  62.27  61.38  59.83      .
integratie_havo_vwo                    G14 focus  68.68  65.90  75.64  82.47  69.56  70.53      .
integratie_werkloosheidsuitkeringen    G18 p          .   -4.2   -3.3   -3.9   -9.7   -8.1   -7.2
integratie_werkloosheidsuitkeringen    G18 ref        .   1.22   1.24   1.38   1.29   1.23   1.20
integratie_werkloosheidsuitkeringen    G18 focus      .   1.17   1.20   1.33   1.17   1.13   1.11
integratie_werkloosheidsuitkeringen    G4  p          .   -5.6   -3.7   -2.1  -10.0  -10.6   -9.0
integratie_werkloosheidsuitkeringen    G4  ref        .   1.31   1.34   1.48   1.38   1.32   1.26
integratie_werkloosheidsuitkeringen    G4  focus      .   1.24   1.29   1.45   1.24   1.18   1.15
integratie_werkloosheidsuitkeringen    G14 p          .  -11.5   -8.2  -12.1  -13.1   -8.8   -7.9
integratie_werkloosheidsuitkeringen    G14 ref        .   1.23   1.22   1.45   1.27   1.19   1.15
integratie_werkloosheidsuitkeringen    G14 focus      .   1.08   1.12   1.27   1.10   1.08   1.06
integratie_niet_werkend_werkzoekenden  G18 p          .  -24.2  -24.9  -22.1  -17.8  -18.0  -16.2
integratie_niet_werkend_werkzoekenden  G18 ref        .   2.83   2.98   3.08   2.65   2.53   2.38
integratie_niet_werkend_werkzoekenden  G18 focus      .   2.15   2.24   2.40   2.18   2.07   1.99
integratie_niet_werkend_werkzoekenden  G4  p          .  -22.4  -22.9  -20.7  -15.9  -17.1  -15.1
integratie_niet_werkend_werkzoekenden  G4  ref        .   2.90   3.08   3.30   2.86   2.70   2.48
integratie_niet_werkend_werkzoekenden  G4  focus      .   2.25   2.38   2.62   2.41   2.24   2.11
integratie_niet_werkend_werkzoekenden  G14 p          .  -28.3  -31.1  -29.4  -25.2  -25.5  -23.1
integratie_niet_werkend_werkzoekenden  G14 ref        .   2.92   2.97   3.07   2.71   2.65   2.54
integratie_niet_werkend_werkzoekenden  G14 focus      .   2.09   2.04   2.17   2.03   1.98   1.96
integratie_langdurig_bijstand          G18 p          .  -39.7  -40.1  -39.7  -39.3  -38.9  -38.0
integratie_langdurig_bijstand          G18 ref        .   3.23   3.27   3.29   3.36   3.48   3.60
integratie_langdurig_bijstand          G18 focus      .   1.95   1.96   1.99   2.04   2.12   2.24
integratie_langdurig_bijstand          G4  p          .  -34.1  -34.0  -33.8  -33.1  -33.4  -33.1
integratie_langdurig_bijstand          G4  ref        .   2.88   2.92   2.95   3.01   3.15   3.33
integratie_langdurig_bijstand          G4  focus      .   1.90   1.93   1.95   2.01   2.10   2.22
integratie_langdurig_bijstand          G14 p          .  -41.8  -43.0  -43.1  -42.6  -43.0  -40.7
integratie_langdurig_bijstand          G14 ref        .   3.40   3.42   3.43   3.46   3.59   3.70
integratie_langdurig_bijstand          G14 focus      .   1.98   1.95   1.96   1.99   2.04   2.20
integratie_inkomsten_uit_arbeid        G18 p          .    1.6    1.3    1.3    1.2    1.3      .
integratie_inkomsten_uit_arbeid        G18 ref        .   0.72   0.75   0.76   0.73   0.73      .
integratie_inkomsten_uit_arbeid        G18 focus      .   0.74   0.76   0.76   0.74   0.74      .
integratie_inkomsten_uit_arbeid        G4  p          .    1.5    1.2    1.1    1.0    0.9      .
integratie_inkomsten_uit_arbeid        G4  ref        .   0.72   0.74   0.75   0.73   0.73      .
integratie_inkomsten_uit_arbeid        G4  focus      .   0.73   0.75   0.76   0.73   0.74      .
integratie_inkomsten_uit_arbeid        G14 p          .    0.7    1.6    0.9    1.4    1.6      .
integratie_inkomsten_uit_arbeid        G14 ref        .   0.71   0.74   0.74   0.72   0.72      .
integratie_inkomsten_uit_arbeid        G14 focus      .   0.72   0.75   0.75   0.73   0.73      .
integratie_paren_niet_westerse_partner G18 p          .   16.7   33.3   14.3   28.6   14.3      .
integratie_paren_niet_westerse_partner G18 ref        .      6      6      7      7      7      .
integratie_paren_niet_westerse_partner G18 focus      .      7      8      8      9      8      .
integratie_paren_niet_westerse_partner G4  p          .    0.0    0.0    0.0    0.0    0.0      .
integratie_paren_niet_westerse_partner G4  ref        .      8      8      9      9      9      .
integratie_paren_niet_westerse_partner G4  focus      .      8      8      9      9      9      .
integratie_paren_niet_westerse_partner G14 p          .   50.0   20.0   20.0   20.0   20.0      .
integratie_paren_niet_westerse_partner G14 ref        .      4      5      5      5      5      .
integratie_paren_niet_westerse_partner G14 focus      .      6      6      6      6      6      .
"""

# indicator: (first period, last period, printed G18 p at the Nulmeting, at the last period)
THEME_ONLY: dict[str, tuple[int, int, float, float]] = {
    "kleine_woningen": (2007, 2011, 21.0, 20.0),
    "meergezinswoningen": (2007, 2011, 27.0, 27.0),
    "niet_werkend_werkzoekende_jongeren": (2007, 2012, 57.0, 43.0),
    "arbeidsongeschiktheidsuitkeringen": (2007, 2012, 10.0, 12.0),
}


def _parse(text: str) -> dict[tuple[str, str, str], dict[int, float]]:
    tables: dict[tuple[str, str, str], dict[int, float]] = {}
    for line in text.strip().splitlines():
        indicator, group, series, *cells = line.split()
        tables[(indicator, group, series)] = {
            year: float(cell) for year, cell in zip(YEARS, cells, strict=True) if cell != "."
        }
    return tables


#: (indicator, group, series) -> {year: value}; series is "p", "ref" or "focus".
GROUP_TABLES: dict[tuple[str, str, str], dict[int, float]] = _parse(_GROUP_TABLES)


def group_series(indicator: str, group: str, series: str) -> dict[int, float]:
    """The printed figures of one indicator, group and series, by year."""
    return GROUP_TABLES[(indicator, group, series)]
