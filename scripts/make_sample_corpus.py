"""Write babelbeam's bundled sample corpus (``examples/corpus/``) from the texts in this file.

The corpus is what ``make demo`` and the tests run on. Every text below was
written for babelbeam (nothing is copied from published sources, and nothing from
the UDHR, which is the language-ID evaluation set). This script turns them into
input files of every format the readers support, plants exact duplicates, near
duplicates and junk, and records what each document is meant to be in
``examples/corpus_labels.json`` so tests can check the pipeline's decisions.

Run ``python scripts/make_sample_corpus.py`` (optionally ``--out DIR``); the
output is byte-for-byte reproducible: fixed order, fixed gzip mtime, a seeded RNG
for the shuffled-word junk.

Planted duplicates assume the exact-dedup stage hashes text normalised as:
NFC, lower-cased, every run of whitespace collapsed to one space, stripped.
Each planted exact duplicate names its ``variant`` (``identical``,
``whitespace``, ``case``, ``nfd``) so a test can tell which normalisation step
must catch it.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

LOG = logging.getLogger("make_sample_corpus")
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = 20250101
"""Seed of the one random choice here: the word order of the shuffled-word junk."""


@dataclass(frozen=True)
class SampleText:
    """One good document written for the corpus."""

    lang: str
    """Registry code (``fra_Latn``)."""
    topic: str
    """What it is about (``cooking``, ``weather``...), used in its id and URL."""
    text: str
    """The document: paragraphs one per line."""


TEXTS: list[SampleText] = []
"""Every good text, in the order written below."""


def _t(lang: str, topic: str, text: str) -> None:
    """Register a good text; blank lines and surrounding spaces are dropped, one paragraph per line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    TEXTS.append(SampleText(lang, topic, "\n".join(lines)))


# ---------------------------------------------------------------------------
# The texts. One paragraph per line; each document a few paragraphs of
# everyday web prose. Ids are ``<lang>-<nn>`` in order of appearance.
# ---------------------------------------------------------------------------
_t("eng_Latn", "cooking", """
Making a good loaf of sourdough at home takes patience more than skill. The starter is just flour and water left on the counter, fed every day until it smells pleasantly sour and doubles in size a few hours after each feeding. Most people give up in the first week because nothing seems to happen, but the yeast and bacteria need time to settle in.
Once the starter is lively, mix it with more flour, water and a little salt, and let the dough rest. Instead of kneading, fold the dough over itself every half hour for the first two hours. You will notice it becoming smoother and more elastic with each set of folds.
Shape the loaf, put it in a floured basket and leave it in the fridge overnight. The cold slows the rise and deepens the flavour. In the morning, bake it in a very hot covered pot for twenty minutes, then uncover it so the crust can turn a deep brown.
Do not cut it straight away, however tempting the smell is. The crumb is still setting as the bread cools, and a loaf sliced too early will be gummy in the middle. Wait at least an hour, and you will be rewarded with an open, chewy crumb and a crust that crackles.
""")
_t("eng_Latn", "local-news", """
The town council voted on Tuesday evening to turn the empty lot behind the old railway station into a community garden. The decision came after almost two years of public meetings, petitions and a survey that drew more than eight hundred replies from residents.
Under the plan, the land will be divided into forty raised beds that families can rent for a small yearly fee. A third of the beds will be reserved for the primary school next door, whose teachers have asked for somewhere to teach children how vegetables are grown. The council will pay for fencing, a water connection and a tool shed, while a volunteer group will manage the waiting list.
Not everyone was pleased. Two councillors argued that the site should be sold to a developer to raise money for road repairs, and a local business owner worried about parking on market days. The mayor said the garden would be reviewed after three years and that the lease could be ended if it did not attract enough gardeners.
Work is expected to begin in early spring, and the first beds should be ready by May. Anyone interested in renting a plot can sign up at the library or on the council website.
""")
_t("eng_Latn", "science", """
Why is the sky blue during the day but red and orange at sunset? The answer lies in the way sunlight is scattered by the tiny molecules of nitrogen and oxygen that make up most of our atmosphere.
Sunlight looks white, but it is really a mixture of all the colours of the rainbow. When it passes through the air, the short blue wavelengths are scattered far more strongly than the long red ones. This blue light bounces around the sky and reaches our eyes from every direction, so wherever we look overhead, the sky appears blue.
At sunrise and sunset the sun is low on the horizon, and its light has to travel through a much thicker layer of air before it reaches us. By the time it arrives, most of the blue has been scattered away, leaving the warm reds and oranges that make evenings so striking. Dust, smoke and pollution can make these colours even more intense.
""")
_t("eng_Latn", "product-review", """
I bought this electric kettle three months ago to replace an old one that had started to leak, and overall I am very happy with it. It boils a full litre of water in just under three minutes, which is noticeably faster than my previous kettle, and it is quiet enough that I can use it early in the morning without waking anyone.
The best feature is the temperature setting. You can choose between five temperatures, which is great for green tea and for making coffee with a pour-over filter. It also keeps the water warm for half an hour if you want.
There are a couple of small complaints. The lid is a little stiff to open with one hand, and the power cord is rather short, so it has to sit close to the socket. The stainless steel also shows fingerprints easily.
For the price, though, I would recommend it to anyone who drinks a lot of tea. I would give it four stars out of five.
""")
_t("eng_Latn", "travel", """
We spent four days walking along the coastal path in the far south-west, and it was one of the best holidays we have had in years. Each day we covered between twelve and eighteen kilometres, stopping in small fishing villages for lunch and staying overnight in family-run guesthouses.
The path is well marked, but it is harder than it looks on the map. It climbs steeply out of every cove and drops down again on the other side, so by the end of the first day our legs were aching. Good boots and a light rain jacket are essential, because the weather changes quickly by the sea.
The highlights were the cliffs covered in wild flowers, a pod of dolphins we watched from a headland for almost an hour, and the fresh crab sandwiches in a tiny harbour café. If you go, try to travel outside the school holidays, when the villages are quieter and rooms are easier to find.
""")
_t("fra_Latn", "cooking", """
La ratatouille est un plat de l'été qui demande surtout du temps. Il faut des tomates bien mûres, des courgettes, des aubergines, des poivrons, un oignon et de l'ail, sans oublier une bonne huile d'olive.
Le secret, selon beaucoup de cuisiniers, est de faire revenir chaque légume séparément avant de les réunir dans la même cocotte. Les aubergines absorbent beaucoup d'huile, alors on les fait dorer à feu vif et on les égoutte sur du papier. Les courgettes doivent rester un peu fermes, tandis que les poivrons gagnent à cuire longtemps.
On rassemble ensuite tous les légumes avec les tomates, on ajoute du thym et du laurier, puis on laisse mijoter à feu doux pendant une heure environ. La ratatouille est encore meilleure le lendemain, froide ou réchauffée, servie avec du riz, des pâtes ou simplement une tranche de pain de campagne.
""")
_t("fra_Latn", "local-history", """
Notre petite ville est née au Moyen Âge autour d'un pont de pierre qui permettait de traverser la rivière sans payer le passeur. Très vite, des marchands se sont installés près du pont, et un marché s'y tenait chaque samedi dès le treizième siècle.
Au dix-neuvième siècle, l'arrivée du chemin de fer a transformé la vie des habitants. Une usine textile s'est ouverte près de la gare et a employé jusqu'à six cents ouvriers, dont beaucoup venaient des villages voisins. Les maisons en brique du quartier de la gare datent de cette époque.
L'usine a fermé ses portes en 1978, et la ville a perdu presque un quart de sa population en vingt ans. Aujourd'hui, le bâtiment abrite une médiathèque, une salle de concert et des ateliers d'artistes. Le marché du samedi, lui, existe toujours, et il attire des visiteurs de toute la région pendant l'été.
Chaque année, au mois de septembre, une fête rappelle l'histoire du pont. Les habitants se déguisent en marchands d'autrefois, les enfants défilent avec des lanternes et un grand repas est servi sur la place de l'église. C'est l'occasion de se retrouver et de raconter aux plus jeunes comment vivaient leurs arrière-grands-parents.
""")
_t("fra_Latn", "weather", """
Après une semaine de chaleur exceptionnelle, un changement de temps est attendu dès jeudi sur la moitié nord du pays. Une perturbation venue de l'Atlantique apportera des averses orageuses, parfois accompagnées de grêle et de fortes rafales de vent.
Les températures devraient baisser de huit à dix degrés en l'espace de vingt-quatre heures. À Paris, on passera ainsi de trente-quatre degrés mercredi à environ vingt-quatre degrés vendredi après-midi. Les prévisionnistes conseillent de rentrer le mobilier de jardin et de ne pas stationner sous les arbres pendant les orages.
Dans le sud, en revanche, le soleil restera dominant et la chaleur persistera jusqu'au week-end. Les autorités rappellent qu'il faut boire régulièrement, éviter les efforts aux heures les plus chaudes et prendre des nouvelles des personnes âgées isolées.
""")
_t("fra_Latn", "product-review", """
J'utilise ce vélo électrique depuis six mois pour aller au travail, soit environ quinze kilomètres par jour, et je dois dire que j'en suis très satisfait. La batterie tient facilement trois jours de trajets avec l'assistance au niveau moyen, et elle se recharge en quatre heures environ.
Le moteur est discret et l'aide au pédalage se déclenche en douceur, ce qui rassure dans la circulation. Les freins à disque sont efficaces, même sous la pluie. J'apprécie aussi l'éclairage intégré, qui s'allume automatiquement quand il fait sombre.
Quelques points sont à améliorer. Le vélo est lourd, près de vingt-cinq kilos, ce qui le rend difficile à porter dans un escalier. La selle d'origine est un peu dure, et j'ai fini par la remplacer. Malgré ces défauts, c'est un achat que je recommande à tous ceux qui veulent laisser la voiture au garage.
""")
_t("deu_Latn", "cooking", """
Kartoffelsalat ist in vielen deutschen Familien ein Streitthema: Gehört Mayonnaise hinein oder nicht? Im Süden des Landes wird er meistens mit Brühe, Essig und Öl angemacht, im Norden dagegen oft cremig mit Mayonnaise, Gurken und Ei.
Für die süddeutsche Variante kocht man festkochende Kartoffeln in der Schale, pellt sie noch warm und schneidet sie in dünne Scheiben. Dann gießt man heiße Fleisch- oder Gemüsebrühe darüber, gibt Essig, Senf, fein gehackte Zwiebeln, Salz und Pfeffer dazu und vermischt alles vorsichtig. Erst zum Schluss kommt das Öl hinein.
Wichtig ist, dass der Salat mindestens eine Stunde ziehen darf, damit die Kartoffeln die Flüssigkeit aufnehmen. Er sollte lauwarm serviert werden und passt hervorragend zu Würstchen, Frikadellen oder einem Schnitzel. Wer mag, streut noch frischen Schnittlauch darüber.
""")
_t("deu_Latn", "local-news", """
Die Stadtbibliothek bleibt ab dem kommenden Montag für drei Wochen geschlossen. Grund sind Umbauarbeiten im Erdgeschoss, wo ein neuer Lesesaal mit zwanzig Arbeitsplätzen und ein eigener Bereich für Jugendliche entstehen sollen.
Wie die Leiterin der Bibliothek am Donnerstag mitteilte, können ausgeliehene Bücher während der Schließzeit in einen Rückgabekasten am Haupteingang geworfen werden. Die Leihfristen werden automatisch verlängert, Mahngebühren fallen in dieser Zeit nicht an. Auch die digitale Ausleihe von E-Books und Hörbüchern steht weiterhin zur Verfügung.
Die Kosten für den Umbau belaufen sich auf rund 450.000 Euro, von denen das Land etwa die Hälfte übernimmt. Der Rest wird aus dem Haushalt der Stadt und aus Spenden des Fördervereins bezahlt. Nach der Wiedereröffnung sollen die Öffnungszeiten außerdem verlängert werden, sodass die Bibliothek an zwei Abenden pro Woche bis 21 Uhr geöffnet hat.
Der Förderverein plant zur Eröffnung ein kleines Fest mit Lesungen, Musik und einem Bücherflohmarkt. Alle Bürgerinnen und Bürger sind herzlich eingeladen, sich die neuen Räume anzusehen und Vorschläge für das Programm des nächsten Jahres zu machen.
""")
_t("deu_Latn", "science", """
Warum fallen Blätter im Herbst eigentlich von den Bäumen? Der wichtigste Grund ist Wasser. Über ihre Blätter verdunsten Bäume täglich große Mengen Wasser, und im Winter, wenn der Boden gefroren ist, könnten sie diesen Verlust nicht mehr ausgleichen.
Deshalb bereiten sich Laubbäume schon im Spätsommer auf die kalte Jahreszeit vor. Sie bauen den grünen Farbstoff Chlorophyll ab und speichern wertvolle Nährstoffe in Ästen, Stamm und Wurzeln. Dabei werden gelbe und orange Farbstoffe sichtbar, die vorher vom Grün überdeckt waren.
Am Ansatz jedes Blattstiels bildet sich schließlich eine Trennschicht aus Kork. Sie verschließt die Leitungsbahnen, und schon ein leichter Windstoß genügt, damit das Blatt abfällt. Nadelbäume wie Fichten haben dieses Problem nicht, weil ihre Nadeln mit einer dicken Wachsschicht vor dem Austrocknen geschützt sind.
""")
_t("deu_Latn", "travel", """
Eine Radtour entlang der Donau gehört zu den beliebtesten Reisen für Familien und Einsteiger. Der Weg ist fast durchgehend flach, gut ausgeschildert und führt größtenteils abseits der Straßen durch Wiesen, Weinberge und kleine Dörfer.
Wir sind in fünf Tagen von Passau nach Wien gefahren und haben jeden Tag etwa sechzig Kilometer zurückgelegt. Unterwegs gab es genug Zeit für Pausen in Klöstern, Cafés und an kleinen Badestellen am Fluss. Das Gepäck wurde von einem Transportdienst von Hotel zu Hotel gebracht, sodass wir nur leichte Taschen dabeihatten.
Besonders schön war der Abschnitt durch die Wachau mit ihren steilen Weinterrassen und den Marillenbäumen. Wer im Mai oder September fährt, hat angenehme Temperaturen und weniger Betrieb als in den Sommerferien.
""")
_t("spa_Latn", "cooking", """
La tortilla de patatas es probablemente el plato más conocido de la cocina española, y cada casa tiene su propia receta. La gran discusión de siempre es si debe llevar cebolla o no, aunque la mayoría de la gente la prefiere con cebolla bien pochada.
Se empieza cortando las patatas en láminas finas y friéndolas a fuego lento en abundante aceite de oliva, junto con la cebolla, durante unos veinte minutos. No se trata de dorarlas, sino de que queden tiernas. Después se escurren y se mezclan con los huevos batidos y una pizca de sal, y se deja reposar la mezcla unos minutos.
Luego se cuaja en una sartén con muy poco aceite y, cuando los bordes están firmes, se le da la vuelta con ayuda de un plato. Este es el momento que más miedo da a los principiantes. Una buena tortilla debe quedar jugosa por dentro y se puede comer caliente o fría, sola o en un bocadillo.
""")
_t("spa_Latn", "local-news", """
El ayuntamiento ha anunciado que el mercado municipal del barrio norte abrirá de nuevo sus puertas en octubre, después de casi dos años de obras. La reforma ha costado algo más de tres millones de euros y ha incluido un tejado nuevo, instalaciones eléctricas modernas y una pequeña zona de restauración.
De los treinta y dos puestos del edificio, veinticuatro ya tienen dueño. Habrá fruterías, carnicerías, pescaderías y panaderías de toda la vida, pero también un puesto de comida vegetariana y otro de productos ecológicos de la comarca. Los vecinos llevaban tiempo pidiendo que el mercado recuperara la vida que tenía hace unas décadas.
La concejala de comercio explicó que el horario se ampliará los viernes por la tarde y que los sábados se organizarán talleres de cocina para niños. Además, se instalará un aparcamiento para bicicletas en la entrada principal. Los comerciantes confían en que la reapertura devuelva el movimiento a las calles del barrio, donde en los últimos años han cerrado muchas tiendas pequeñas.
La inauguración oficial está prevista para el primer sábado de octubre, con música en directo y degustaciones gratuitas durante toda la mañana.
""")
_t("spa_Latn", "weather", """
La Agencia Estatal de Meteorología ha activado el aviso amarillo por lluvias intensas en buena parte del litoral mediterráneo para este fin de semana. Se esperan acumulados de hasta ochenta litros por metro cuadrado en doce horas, sobre todo en zonas cercanas a la costa.
Las tormentas podrían ir acompañadas de granizo y de rachas de viento fuertes. Protección Civil recomienda no cruzar cauces ni zonas inundadas con el coche, evitar los paseos marítimos durante los temporales y seguir en todo momento las indicaciones de las autoridades.
A partir del lunes volverá la estabilidad y las temperaturas subirán de nuevo, con máximas cercanas a los veintiocho grados en el sur de la península. En el norte, en cambio, el ambiente será fresco y habrá nieblas matinales en los valles.
""")
_t("spa_Latn", "science", """
¿Por qué los gatos casi siempre caen de pie? Este comportamiento, conocido como reflejo de enderezamiento, aparece cuando los gatitos tienen unas tres semanas de vida y está completamente desarrollado hacia las siete semanas.
Cuando un gato empieza a caer, su oído interno le indica cuál es la posición correcta. Primero gira la cabeza, luego la parte delantera del cuerpo y finalmente las patas traseras, todo en menos de un segundo. Su columna es muy flexible y no tiene clavícula fija, lo que le permite retorcerse con facilidad.
Sin embargo, eso no significa que las caídas sean inofensivas. Los veterinarios ven cada verano muchos gatos heridos por caer de ventanas y balcones. Por eso conviene poner redes de protección si el animal tiene acceso a lugares altos.
""")
_t("por_Latn", "cooking", """
O pão de queijo é uma das receitas mais queridas de Minas Gerais e hoje é conhecido em todo o Brasil. Ele é feito com polvilho, leite, óleo, ovos e muito queijo, e fica crocante por fora e macio por dentro.
Primeiro, ferva o leite com o óleo e uma pitada de sal e despeje sobre o polvilho, mexendo bem até formar uma massa grudenta. Depois de esfriar um pouco, acrescente os ovos um a um e, por fim, o queijo ralado. Sove a massa até que ela fique lisa e não grude mais nas mãos.
Com as mãos untadas de óleo, faça bolinhas do tamanho de uma noz e coloque-as numa assadeira, deixando espaço entre elas. Asse em forno bem quente por cerca de vinte e cinco minutos, até que estejam douradas. O ideal é comer logo que saem do forno, acompanhadas de um cafezinho.
""")
_t("por_Latn", "local-news", """
A prefeitura anunciou nesta segunda-feira a criação de uma nova linha de ônibus que vai ligar os bairros da zona leste ao centro da cidade. A linha deve começar a funcionar no próximo mês e terá ônibus a cada quinze minutos nos horários de pico.
Segundo o secretário de transportes, a decisão foi tomada depois de uma consulta pública em que os moradores reclamaram do tempo gasto no trajeto diário. Hoje, muitos trabalhadores precisam pegar dois ou três ônibus para chegar ao centro, e a viagem pode levar mais de uma hora e meia.
Os novos veículos terão ar-condicionado, acesso para cadeirantes e tomadas para carregar o celular. A tarifa continuará a mesma, e quem usar o cartão de transporte poderá fazer uma integração gratuita com o metrô. Associações de moradores elogiaram a medida, mas pediram também mais abrigos nos pontos de ônibus.
""")
_t("por_Latn", "travel", """
Lisboa é uma cidade para ser explorada a pé, mesmo com as suas famosas colinas. Passear pelas ruas estreitas de Alfama, ouvir fado num pequeno restaurante e subir até ao miradouro ao fim da tarde são experiências que nenhum visitante deve perder.
O elétrico 28 atravessa alguns dos bairros mais antigos e é uma forma divertida de conhecer a cidade, mas costuma estar cheio de turistas. Vale a pena apanhá-lo cedo de manhã. Para quem tem mais tempo, uma viagem de comboio até Sintra ou Cascais é uma ótima ideia para passar um dia diferente.
Não se esqueça de provar os pastéis de nata, de preferência ainda mornos e com canela por cima. E leve calçado confortável, porque a calçada portuguesa é bonita, mas pode ser escorregadia quando chove.
""")
_t("por_Latn", "science", """
As abelhas são fundamentais para a produção de alimentos. Cerca de três quartos das culturas agrícolas do mundo dependem, pelo menos em parte, da polinização feita por insetos, e as abelhas estão entre os polinizadores mais eficientes.
Quando uma abelha visita uma flor para recolher néctar, grãos de pólen ficam presos nos pelos do seu corpo. Ao pousar na flor seguinte, parte desse pólen é transferida, o que permite a formação de frutos e sementes. Sem esse trabalho, frutas como a maçã, o morango e o melão seriam muito mais raras e caras.
Nos últimos anos, muitas colônias têm desaparecido por causa de pesticidas, doenças e da perda de habitat. Plantar flores nativas, evitar venenos no jardim e comprar mel de produtores locais são pequenas atitudes que ajudam a proteger esses insetos.
""")
_t("ita_Latn", "cooking", """
Il risotto alla milanese è un piatto semplice solo in apparenza. Per prepararlo servono riso Carnaroli, brodo di carne, cipolla, burro, vino bianco, parmigiano e, naturalmente, lo zafferano che gli dà il suo colore dorato.
Si comincia facendo appassire la cipolla tritata nel burro, poi si aggiunge il riso e lo si tosta per un paio di minuti, mescolando con cura. Si sfuma con il vino e, quando è evaporato, si inizia ad aggiungere il brodo caldo un mestolo alla volta, aspettando che venga assorbito prima di versarne altro.
A metà cottura si scioglie lo zafferano in un po' di brodo e lo si unisce al riso. Dopo circa diciotto minuti si spegne il fuoco e si manteca con burro freddo e parmigiano. Il risotto deve essere cremoso e fare l'onda quando si scuote la pentola.
""")
_t("ita_Latn", "local-history", """
Il nostro paese sorge su una collina che domina la valle del fiume, e le sue origini risalgono all'epoca romana. Nella piazza principale si possono ancora vedere i resti di una strada lastricata e di alcune colonne, scoperti per caso durante i lavori per la nuova fognatura negli anni Sessanta.
Nel Medioevo il borgo fu circondato da mura e divenne un piccolo centro di commercio della lana. Le famiglie più ricche costruirono le torri che ancora oggi caratterizzano il profilo del paese, e la chiesa di San Michele fu ampliata e decorata con affreschi che raccontano la vita del santo.
Nel secolo scorso molti abitanti emigrarono in Argentina e negli Stati Uniti in cerca di lavoro. Ogni agosto, però, alcuni dei loro discendenti tornano per la festa patronale, che si conclude con una processione e i fuochi d'artificio sopra la valle.
""")
_t("ita_Latn", "weather", """
Il fine settimana sarà segnato da un netto peggioramento del tempo su gran parte del Nord Italia. Una perturbazione di origine atlantica porterà piogge diffuse già da sabato mattina, con temporali anche forti sulle zone prealpine e sulla Liguria.
Sulle Alpi tornerà la neve oltre i millecinquecento metri, e le temperature scenderanno di diversi gradi rispetto ai giorni scorsi. Al Centro e al Sud il cielo resterà in prevalenza sereno fino a domenica pomeriggio, quando alcuni rovesci potrebbero raggiungere anche la Campania e la Puglia.
La Protezione civile invita a fare attenzione lungo i corsi d'acqua e a evitare le escursioni in montagna nelle giornate di maltempo. Da lunedì è previsto un graduale miglioramento con il ritorno del sole.
""")
_t("ita_Latn", "product-review", """
Ho comprato questa macchina per il caffè espresso circa un anno fa e posso dire che è stato uno degli acquisti migliori per la mia cucina. È compatta, si scalda in meno di un minuto e prepara un espresso con una crema densa e persistente.
Il montalatte funziona bene, anche se serve un po' di pratica per ottenere una schiuma perfetta per il cappuccino. La pulizia è abbastanza semplice: il serbatoio dell'acqua si sfila facilmente e il filtro si lava in pochi secondi.
L'unico difetto è il rumore della pompa, che è piuttosto forte. Inoltre il vassoio per le gocce si riempie in fretta e bisogna svuotarlo spesso. Nel complesso, però, la consiglio a chi vuole un buon caffè a casa senza spendere una fortuna.
""")
_t("nld_Latn", "cooking", """
Erwtensoep, of snert, is in Nederland het gerecht voor koude winterdagen. Volgens de traditie is de soep pas goed als er een lepel rechtop in kan blijven staan.
Je kookt spliterwten samen met een stuk varkensvlees en een rookworst in ruim water. Na een uur voeg je wortel, prei, ui, knolselderij en aardappel toe, allemaal in kleine blokjes gesneden. Laat de soep daarna nog minstens een uur zachtjes pruttelen en roer regelmatig, want hij brandt gemakkelijk aan.
Snijd het vlees en de worst in plakjes en doe ze terug in de pan. De soep smaakt de volgende dag nog beter. Serveer hem met roggebrood en een plakje katenspek.
""")
_t("nld_Latn", "local-news", """
De gemeente gaat volgend jaar honderd nieuwe bomen planten in de wijk rond het station. Dat heeft de wethouder woensdag bekendgemaakt tijdens een bijeenkomst met bewoners in het buurthuis.
De bomen moeten zorgen voor meer schaduw in de zomer en helpen om regenwater beter af te voeren. Vorig jaar stonden verschillende straten in de wijk na een zware onweersbui urenlang onder water. Ook komen er op twee pleinen minder tegels en meer groen.
Bewoners mogen meebeslissen over de soorten bomen en de plekken waar ze komen. Wie een idee heeft, kan dat tot eind maart doorgeven via de website van de gemeente.
""")
_t("nld_Latn", "travel", """
Wie Nederland wil leren kennen, moet een keer op de fiets stappen. Het land is vlak, de fietspaden zijn breed en veilig, en overal vind je knooppuntbordjes waarmee je eenvoudig je eigen route kunt samenstellen.
Een mooie tocht voert langs de rivier de Vecht, van Utrecht naar Muiden. Onderweg fiets je langs oude buitenplaatsen met prachtige tuinen, kleine dorpen en weilanden vol koeien. In Breukelen kun je stoppen voor koffie met appeltaart.
Neem wel altijd een regenjas mee, want het weer kan snel omslaan. En let op in de steden: daar is het op de fietspaden soms drukker dan op de weg.
""")
_t("pol_Latn", "cooking", """
Pierogi to jedno z najbardziej znanych dań kuchni polskiej. Najpopularniejsze są pierogi ruskie z nadzieniem z ziemniaków, twarogu i smażonej cebuli, ale w wielu domach robi się też pierogi z kapustą i grzybami albo z owocami.
Ciasto przygotowuje się z mąki, ciepłej wody, odrobiny oleju i szczypty soli. Trzeba je dobrze wyrobić, a potem cienko rozwałkować i wycinać szklanką krążki. Na każdy krążek kładzie się łyżeczkę farszu i dokładnie skleja brzegi, żeby pierogi nie rozpadły się podczas gotowania.
Gotuje się je w osolonej wodzie przez kilka minut od momentu wypłynięcia. Podaje się je ze skwarkami lub masłem i cebulką. Wiele rodzin lepi pierogi razem przed świętami, co jest okazją do rozmów przy wspólnym stole.
""")
_t("pol_Latn", "weather", """
Nadchodzący weekend przyniesie wyraźne ochłodzenie w całym kraju. Według synoptyków temperatura w ciągu dnia nie przekroczy dziesięciu stopni, a na wschodzie w nocy możliwe są przymrozki.
W sobotę na północy będzie padać deszcz, a nad morzem wiatr w porywach może osiągać prędkość nawet siedemdziesięciu kilometrów na godzinę. W niedzielę pogoda się nieco poprawi i na południu pojawią się przejaśnienia. W górach spadnie pierwszy w tym sezonie śnieg.
Kierowcy powinni uważać na śliskie drogi wcześnie rano. Ogrodnicy z kolei powinni przykryć wrażliwe rośliny albo przenieść je do domu.
""")
_t("pol_Latn", "local-history", """
Historia naszego miasteczka zaczyna się w czternastym wieku, kiedy król nadał osadzie prawa miejskie. Rynek z ratuszem i kamienicami dookoła powstał właśnie wtedy i do dziś jest sercem miasta.
W dziewiętnastym wieku działały tu liczne warsztaty rzemieślnicze, a później browar, który przez wiele lat był największym pracodawcą w okolicy. Podczas wojny wiele budynków zostało zniszczonych, ale mieszkańcy odbudowali rynek według starych planów i fotografii.
Dziś w dawnym browarze mieści się muzeum, a w piwnicach organizowane są koncerty. Latem na rynku odbywa się jarmark, na który przyjeżdżają goście z całego regionu.
""")
_t("ces_Latn", "cooking", """
Svíčková na smetaně patří mezi nejoblíbenější česká jídla a podává se hlavně o nedělích a při rodinných oslavách. Hovězí maso se nejprve nechá přes noc naložené v zelenině a koření.
Druhý den se maso opeče a pak se dusí spolu s mrkví, celerem, petrželí a cibulí, dokud není měkké. Zelenina se potom rozmixuje, přidá se smetana, trochu cukru a citronové šťávy, aby omáčka byla zároveň sladká i kyselá.
Svíčková se podává s houskovými knedlíky, brusinkami a plátkem citronu se šlehačkou. Každá babička má samozřejmě svůj vlastní recept a tvrdí, že ten její je nejlepší.
""")
_t("ces_Latn", "local-news", """
Radnice oznámila, že od září začne jezdit nová autobusová linka mezi sídlištěm a nemocnicí. Autobusy budou jezdit každých dvacet minut ve všední dny a každou hodinu o víkendu.
Obyvatelé sídliště si dlouho stěžovali, že cesta k lékaři jim trvá příliš dlouho a musí několikrát přestupovat. Nová linka tuto cestu zkrátí zhruba na patnáct minut. Město zároveň opraví dvě zastávky a doplní je o lavičky a přístřešky.
Provoz linky bude zatím zkušební a po půl roce se rozhodne, zda bude pokračovat i v dalších letech.
""")
_t("swe_Latn", "cooking", """
Kanelbullar hör till det mest svenska som finns, och den fjärde oktober firas till och med kanelbullens dag. Degen görs på mjöl, mjölk, smör, socker, jäst och lite mald kardemumma.
När degen har jäst i ungefär en halvtimme kavlar man ut den till en stor rektangel och breder på en fyllning av smör, socker och kanel. Sedan rullar man ihop den, skär den i skivor och lägger dem i små pappersformar. Låt bullarna jäsa igen innan de penslas med ägg och strös med pärlsocker.
Grädda dem i varm ugn i cirka tio minuter. De är godast samma dag, gärna tillsammans med en kopp kaffe under en lugn fikastund.
""")
_t("swe_Latn", "travel", """
Att vandra längs Kungsleden i fjällen är en upplevelse som många svenskar drömmer om. Leden sträcker sig över fyrahundra kilometer genom norra Lappland, men de flesta går bara en del av den.
Vi gick sträckan från Abisko till Nikkaluokta på sex dagar och sov i fjällstugor längs vägen. Stugorna är enkla men varma, och det finns ofta en liten butik där man kan köpa mat. Vädret skiftade snabbt, från strålande sol till kall regn och blåst på en och samma dag.
Ta med bra kängor, varma kläder och myggmedel. I juli är myggen många, men i gengäld är det ljust dygnet runt.
""")
_t("tur_Latn", "cooking", """
Mercimek çorbası Türk mutfağının en sevilen çorbalarından biridir ve hemen her lokantada bulunur. Yapması kolaydır, malzemeleri ucuzdur ve özellikle kış aylarında insanı hemen ısıtır.
Önce bir tencerede soğan ve havuç biraz tereyağı ile kavrulur. Ardından yıkanmış kırmızı mercimek, bir kaşık salça ve sıcak su eklenir. Mercimekler iyice yumuşayana kadar yaklaşık yarım saat pişirilir, sonra çorba blenderdan geçirilir.
Servis ederken üzerine pul biber ile kızdırılmış tereyağı gezdirilir. Yanında limon ve taze ekmek ile sunulursa tadına doyum olmaz.
""")
_t("tur_Latn", "local-news", """
Belediye, şehir merkezindeki eski pazar alanının yeniden düzenleneceğini açıkladı. Proje kapsamında kapalı bir pazar yeri, çocuk oyun alanı ve yüz araçlık bir otopark yapılacak.
Belediye başkanı, çalışmaların önümüzdeki ay başlayacağını ve bir yıl içinde tamamlanmasının planlandığını söyledi. İnşaat süresince pazar, stadyumun yanındaki boş alanda kurulmaya devam edecek. Esnaflar ise yeni yerin müşterilere uzak olmasından endişe ettiklerini dile getirdi.
Mahalle sakinleri projeyi genel olarak olumlu karşıladı. Birçok kişi, yağmurlu günlerde çamurdan geçilmeyen pazarın sonunda modern bir yapıya kavuşacağı için sevindiğini söyledi.
""")
_t("tur_Latn", "travel", """
Kapadokya, peri bacaları ve kayalara oyulmuş evleriyle dünyanın en ilginç yerlerinden biridir. Bölgeye gelen ziyaretçilerin çoğu güneş doğarken sıcak hava balonuyla uçmak için sabahın erken saatlerinde uyanır.
Göreme Açık Hava Müzesi'ndeki kaya kiliselerinin duvarlarında yüzyıllar önce yapılmış renkli freskler görülebilir. Yeraltı şehirleri ise insanların bir zamanlar tehlike anında nasıl saklandığını gösteriyor. Vadilerde yürüyüş yapmak da bölgeyi tanımanın güzel bir yoludur.
Akşamları testi kebabı denemeyi unutmayın. Bahar ve sonbahar ayları, hava ne çok sıcak ne de çok soğuk olduğu için ziyaret etmek için en uygun zamandır.
""")
_t("ind_Latn", "cooking", """
Nasi goreng adalah salah satu makanan yang paling sering dimasak di rumah-rumah di Indonesia. Biasanya nasi goreng dibuat dari nasi sisa kemarin, karena nasi yang sudah dingin tidak mudah lengket saat digoreng.
Pertama, tumis bawang merah, bawang putih, dan cabai yang sudah dihaluskan sampai harum. Masukkan telur, orak-arik sebentar, lalu tambahkan nasi dan aduk rata. Beri kecap manis, garam, dan sedikit terasi supaya rasanya lebih gurih.
Nasi goreng enak disajikan dengan kerupuk, irisan mentimun, dan telur mata sapi di atasnya. Banyak orang juga suka menambahkan ayam suwir atau udang agar lebih mengenyangkan.
""")
_t("ind_Latn", "weather", """
Badan Meteorologi memperkirakan hujan dengan intensitas sedang hingga lebat akan turun di sebagian besar wilayah Jawa Barat selama tiga hari ke depan. Hujan diperkirakan terjadi pada sore dan malam hari, disertai petir dan angin kencang.
Masyarakat yang tinggal di daerah rawan banjir dan tanah longsor diminta untuk tetap waspada. Saluran air di sekitar rumah sebaiknya dibersihkan agar air hujan dapat mengalir dengan lancar. Para pengendara juga diimbau untuk berhati-hati karena jalanan menjadi licin.
Cuaca diperkirakan kembali cerah pada akhir pekan, dengan suhu udara antara dua puluh empat hingga tiga puluh dua derajat.
""")
_t("ind_Latn", "science", """
Mengapa gunung berapi bisa meletus? Di bawah permukaan bumi terdapat batuan cair yang sangat panas yang disebut magma. Magma ini lebih ringan daripada batuan di sekitarnya, sehingga perlahan-lahan naik ke atas.
Di dalam magma terlarut banyak gas, seperti uap air dan karbon dioksida. Ketika magma mendekati permukaan, tekanan berkurang dan gas-gas itu membentuk gelembung, mirip seperti minuman bersoda yang dibuka. Jika tekanan terlalu besar, magma dan gas akan menyembur keluar dengan kuat.
Indonesia memiliki lebih dari seratus gunung berapi aktif. Karena itu, para ahli terus memantau getaran dan gas yang keluar dari gunung untuk memberi peringatan dini kepada penduduk.
""")
_t("vie_Latn", "cooking", """
Phở là món ăn nổi tiếng nhất của Việt Nam và được nhiều người nước ngoài yêu thích. Một bát phở ngon cần có nước dùng trong, thơm và ngọt tự nhiên từ xương bò hầm trong nhiều giờ.
Để nấu nước dùng, người ta nướng gừng và hành tím cho thơm, sau đó cho vào nồi xương cùng với quế, hồi và thảo quả. Nước dùng phải được hớt bọt thường xuyên để giữ được độ trong. Bánh phở được chần qua nước sôi rồi cho vào bát cùng thịt bò thái mỏng.
Khi ăn, mọi người thường thêm rau thơm, giá đỗ, chanh và ớt tùy theo khẩu vị. Ở Hà Nội, phở thường được ăn vào buổi sáng trước khi đi làm.
""")
_t("vie_Latn", "local-news", """
Thành phố vừa khánh thành một công viên mới rộng gần năm héc-ta bên bờ sông. Công viên có đường đi bộ, khu vui chơi cho trẻ em, sân tập thể dục và nhiều hàng cây xanh.
Theo đại diện ủy ban nhân dân quận, khu đất này trước đây là bãi đất trống bị bỏ hoang trong nhiều năm. Người dân trong khu vực đã nhiều lần kiến nghị biến nơi đây thành không gian xanh cho cộng đồng. Dự án được hoàn thành sau hơn một năm thi công.
Ngay trong ngày đầu mở cửa, rất nhiều gia đình đã đưa con em đến vui chơi. Nhiều người cao tuổi cho biết họ rất vui vì từ nay đã có chỗ đi dạo buổi sáng.
""")
_t("vie_Latn", "travel", """
Vịnh Hạ Long là một trong những điểm du lịch nổi tiếng nhất của Việt Nam với hàng nghìn hòn đảo đá vôi nhô lên giữa làn nước xanh biếc. Cách tốt nhất để khám phá vịnh là đi thuyền và ngủ lại một đêm trên vịnh.
Trong chuyến đi, du khách có thể chèo thuyền kayak qua các hang động, bơi ở những bãi tắm nhỏ và thăm làng chài nổi. Buổi tối, ngồi trên boong tàu ngắm hoàng hôn là trải nghiệm khó quên.
Thời điểm đẹp nhất để đến Hạ Long là từ tháng ba đến tháng năm, khi trời không quá nóng và ít mưa bão.
""")
_t("swh_Latn", "cooking", """
Pilau ni chakula kinachopendwa sana katika pwani ya Afrika Mashariki, hasa katika miji ya Mombasa, Tanga, Dar es Salaam na Zanzibar. Chakula hiki hupikwa mara nyingi wakati wa sherehe kama harusi, Idd na sikukuu nyingine za familia.
Pilau hupikwa kwa mchele, nyama ya ng'ombe au kuku, vitunguu na mchanganyiko wa viungo kama mdalasini, iliki, karafuu, jira na pilipili manga. Kwanza, vitunguu hukaangwa katika mafuta mpaka viwe na rangi ya kahawia. Kisha nyama na viungo huongezwa na kupikwa kwa muda mfupi.
Baada ya hapo mchele na maji huwekwa katika sufuria, na chakula hupikwa kwa moto mdogo mpaka maji yakauke na mchele uive vizuri. Pilau huliwa pamoja na kachumbari ya nyanya na vitunguu, na wakati mwingine pamoja na ndizi au samaki wa kukaanga.
""")
_t("swh_Latn", "local-history", """
Bagamoyo ni mji mdogo ulioko katika Mkoa wa Pwani nchini Tanzania, kando ya Bahari ya Hindi. Mji huu una historia ndefu na ulikuwa mmoja wa miji muhimu ya biashara katika pwani ya Afrika Mashariki katika karne ya kumi na tisa.
Wakati huo, misafara ya wafanyabiashara ilitoka bara ikiwa na pembe za ndovu na bidhaa nyingine, na kufika Bagamoyo kabla ya kusafiri kwa majahazi kwenda Zanzibar. Jina la mji linaaminika kutokana na maneno ya Kiswahili yenye maana ya kuweka moyo chini, yaani kupumzika baada ya safari ndefu.
Leo hii, wageni wengi hutembelea Bagamoyo kuona majengo ya kale, magofu ya Kaole, makanisa ya zamani na soko la samaki. Mji huu pia una Chuo cha Sanaa ambacho hufanya tamasha la muziki na ngoma kila mwaka mwezi wa Septemba.
""")
_t("tgl_Latn", "cooking", """
Ang adobo ay isa sa mga pinakakilalang pagkain sa Pilipinas, at halos bawat pamilya ay may sariling paraan ng pagluluto nito. Karaniwang ginagamit ang manok o baboy na niluluto sa suka, toyo, bawang, paminta at dahon ng laurel.
Una, ibabad ang karne sa toyo at bawang nang mga isang oras. Pagkatapos, ilagay ito sa kaserola kasama ang suka at kaunting tubig, at hayaang kumulo nang hindi hinahalo hanggang sa mawala ang matapang na amoy ng suka. Pakuluan pa ito sa mahinang apoy hanggang lumambot ang karne.
Masarap ihain ang adobo kasama ng mainit na kanin. Marami ang nagsasabi na mas masarap pa ito kinabukasan, kapag nanuot na ang sarsa sa karne.
""")
_t("tgl_Latn", "weather", """
Ayon sa ahensya ng panahon, isang bagyo ang inaasahang papasok sa bansa ngayong linggo at maaaring magdala ng malakas na ulan sa hilagang bahagi ng Luzon. Pinapayuhan ang mga residente sa mababang lugar na maghanda at makinig sa mga abiso ng lokal na pamahalaan.
Sinuspinde na ang klase sa ilang bayan, at ipinagbawal muna ang paglalayag ng maliliit na bangka. Naghanda rin ang mga evacuation center ng pagkain, tubig at kumot para sa mga pamilyang kailangang lumikas.
Inaasahang lalabas ang bagyo sa bansa sa Sabado, ngunit magpapatuloy pa rin ang pag-ulan hanggang sa susunod na linggo.
""")
_t("fin_Latn", "cooking", """
Karjalanpiirakat ovat perinteinen suomalainen leivonnainen, jota syödään sekä arkena että juhlissa. Ohuen ruiskuoren sisällä on riisipuuroa, ja päälle levitetään munavoita.
Puuro keitetään edellisenä päivänä maitoon, jotta se ehtii jäähtyä. Taikina tehdään ruisjauhoista, vedestä ja suolasta, ja siitä kaulitaan pieniä, hyvin ohuita levyjä. Puuro levitetään levyjen keskelle ja reunat rypytetään sormilla.
Piirakat paistetaan kuumassa uunissa noin viidessätoista minuutissa ja voidellaan heti voisulalla. Munavoi valmistetaan sekoittamalla keitettyjä kananmunia ja pehmeää voita.
""")
_t("fin_Latn", "weather", """
Ilmatieteen laitoksen mukaan ensi viikolla koko maahan on tulossa kylmä jakso. Pohjois-Suomessa lämpötila voi laskea öisin jopa kolmeenkymmeneen pakkasasteeseen, ja etelässäkin pakkasta on yli kymmenen astetta.
Kovassa pakkasessa kannattaa pukeutua kerroksittain ja suojata kasvot ja kädet hyvin. Autoilijoita muistutetaan lohkolämmittimen käytöstä, sillä kylmä moottori ei välttämättä käynnisty aamulla. Myös lemmikkien ulkoilua kannattaa lyhentää.
Pakkasjakson odotetaan jatkuvan ainakin viikonloppuun asti, minkä jälkeen sää lauhtuu ja idästä saapuu lumisateita.
""")
_t("hun_Latn", "cooking", """
A gulyásleves a magyar konyha egyik legismertebb étele, amelyet sokan összekevernek a pörkölttel. A gulyás valójában egy sűrű leves, amelyet marhahúsból, burgonyából, hagymából és sok pirospaprikából főznek.
Először a hagymát zsíron megpirítjuk, majd hozzáadjuk a kockára vágott húst, és fehéredésig sütjük. Ezután lehúzzuk a tűzről, megszórjuk pirospaprikával, és felöntjük vízzel. Köménnyel, fokhagymával és sóval ízesítjük, és lassú tűzön főzzük, amíg a hús majdnem puha nem lesz.
Végül belekerül a burgonya, a sárgarépa és a paprika. Sokan csipetkét is főznek bele, és friss kenyérrel tálalják.
""")
_t("hun_Latn", "local-news", """
A városi uszoda a felújítás után szeptember elején nyitja meg újra kapuit. Az épületben új medence, szauna és egy kisebb tanmedence is várja a látogatókat, elsősorban a gyerekeket.
A polgármester elmondta, hogy a munkálatok több mint egy évig tartottak, és a költségek nagy részét pályázati forrásból fedezték. Az iskolák diákjai hétköznap délelőtt ingyen használhatják a tanmedencét az úszásoktatás keretében.
A nyitás napján a belépés mindenkinek ingyenes lesz, és délután úszóversenyt is rendeznek a helyi egyesület tagjainak.
""")
_t("rus_Cyrl", "cooking", """
Борщ в каждой семье готовят по-своему, и споры о том, каким он должен быть, не утихают никогда. Кто-то добавляет фасоль, кто-то кладёт чернослив, а кто-то уверен, что настоящий борщ варят только на говяжьем бульоне с косточкой.
Основа у всех рецептов одна: свёкла, капуста, картофель, морковь и лук. Свёклу лучше тушить отдельно с небольшим количеством уксуса или лимонного сока, тогда она сохранит яркий цвет. Морковь и лук обжаривают на сковороде, а затем вместе со свёклой добавляют в бульон, где уже варятся картофель и капуста.
В конце в кастрюлю кладут мелко нарезанный чеснок и зелень, выключают огонь и дают борщу настояться хотя бы полчаса. Подают его со сметаной и чёрным хлебом, а многие считают, что на следующий день он становится ещё вкуснее.
""")
_t("rus_Cyrl", "local-news", """
В центре города на прошлой неделе завершился ремонт старого парка, который несколько лет находился в запущенном состоянии. Жители района давно просили администрацию привести его в порядок, и теперь их просьба наконец выполнена.
В парке заменили дорожки, установили новые скамейки и фонари, а также построили большую детскую площадку и площадку для уличных тренажёров. Старые деревья, которые могли упасть, пришлось спилить, но вместо них высадили более двухсот молодых лип, клёнов и кустов сирени. У пруда появился деревянный настил, с которого можно кормить уток.
Глава администрации рассказал, что работы обошлись городу примерно в сорок миллионов рублей. Часть денег выделил областной бюджет, а часть собрали местные предприниматели. Летом в парке планируют проводить концерты и ярмарки выходного дня, а зимой залить небольшой каток.
Не все жители довольны результатом. Некоторые жалуются, что в парке по-прежнему мало урн и нет общественного туалета. В администрации пообещали учесть эти замечания и до конца года установить всё необходимое.
""")
_t("rus_Cyrl", "science", """
Почему зимой на окнах появляются морозные узоры? Всё дело в водяном паре, который всегда есть в воздухе квартиры. Когда стекло сильно охлаждается с улицы, пар, соприкасаясь с ним, сразу превращается в лёд, минуя жидкое состояние.
Кристаллы льда начинают расти там, где на стекле есть крошечные царапины, пылинки или другие неровности. К первым кристаллам присоединяются новые, и постепенно вырастают ветвистые узоры, похожие на перья, листья папоротника или цветы.
Сегодня такие узоры можно увидеть реже, чем раньше, потому что современные пластиковые окна с двойными стеклопакетами хорошо сохраняют тепло и внутреннее стекло почти не охлаждается.
""")
_t("rus_Cyrl", "travel", """
Поездка на поезде по Транссибирской магистрали остаётся одним из самых необычных путешествий в мире. Путь от Москвы до Владивостока занимает около недели, и за это время поезд пересекает семь часовых поясов.
За окном сменяются берёзовые леса, бескрайние степи, горы и небольшие деревни с деревянными домами. На длинных остановках пассажиры выходят на платформу, чтобы размять ноги и купить у местных жителей горячие пирожки, варёную картошку или копчёную рыбу.
Многие путешественники делают остановку в Иркутске, чтобы съездить на Байкал. Озеро поражает чистотой воды и красотой, особенно ранней осенью, когда леса вокруг становятся золотыми.
""")
_t("ukr_Cyrl", "cooking", """
Вареники — одна з найулюбленіших страв української кухні. Їх готують із різними начинками: з картоплею, з капустою, з сиром, а влітку — з вишнями чи полуницею.
Тісто замішують з борошна, води або кефіру, яйця та дрібки солі. Його тонко розкачують і вирізають склянкою кружечки. На кожен кружечок кладуть ложку начинки та ретельно защипують краї, щоб вареники не розварилися.
Варять їх у підсоленій воді кілька хвилин після того, як вони спливуть. Вареники з картоплею подають зі смаженою цибулею та сметаною, а вареники з вишнями — з медом або цукром.
""")
_t("ukr_Cyrl", "local-news", """
У нашому місті відкрили новий центр для молоді, де підлітки можуть займатися спортом, музикою та програмуванням. Центр розташований у колишньому приміщенні кінотеатру, яке кілька років стояло порожнім.
Під час відкриття міський голова розповів, що ремонт тривав майже два роки. Тепер у будівлі є спортивна зала, студія звукозапису, комп'ютерний клас і бібліотека. Усі заняття для школярів будуть безкоштовними.
Батьки вже встигли записати дітей на перші гуртки. Найпопулярнішими виявилися уроки гри на гітарі та курси з робототехніки.
""")
_t("ukr_Cyrl", "travel", """
Карпати — чудове місце для відпочинку в будь-яку пору року. Влітку тут можна мандрувати гірськими стежками, збирати чорниці та купатися в холодних річках, а взимку кататися на лижах.
Найвища гора України, Говерла, приваблює тисячі туристів щороку. Підйом на вершину займає кілька годин, але краєвиди, що відкриваються звідти, варті всіх зусиль. Обов'язково візьміть із собою воду, теплий одяг і дощовик, адже погода в горах змінюється дуже швидко.
Після прогулянки варто скуштувати місцеві страви, наприклад банош із бринзою та грибами.
""")
_t("bul_Cyrl", "cooking", """
Шопската салата е може би най-известното българско ястие и не липсва от масата през лятото. Прави се от домати, краставици, печени чушки, лук и магданоз, а отгоре се настъргва обилно бяло саламурено сирене.
Зеленчуците се нарязват на кубчета, поръсват се със сол и се овкусяват със слънчогледово олио и малко оцет. Сиренето трябва да покрие салатата като сняг, а накрая се слага една чушка или маслина за украса.
Най-често салатата се сервира с чаша студена ракия преди основното ястие. Мнозина смятат, че най-вкусна е с домати от собствената градина.
""")
_t("bul_Cyrl", "travel", """
Рилският манастир е един от най-посещаваните исторически паметници в България. Той се намира високо в планината Рила, на около два часа път с кола от София.
Манастирът е основан през десети век и оттогава многократно е разрушаван и възстановяван. Стените на църквата са изрисувани с цветни стенописи, които разказват библейски истории. В двора има и стара каменна кула, построена през средновековието.
След посещението си струва да се разходите по пътеките в гората наоколо или да опитате пъстърва в някой от ресторантите край реката.
""")
_t("srp_Cyrl", "cooking", """
Сарма је традиционално јело које се у Србији спрема за славе, Божић и друге велике празнике. Прави се од киселог купуса, млевеног меса, пиринча, лука и зачина.
Листови киселог купуса се пуне мешавином меса и пиринча, па се чврсто увијају. Сарме се слажу у велики лонац, између њих се ставља сува сланина или суво месо, а затим се прелије водом и кува неколико сати на тихој ватри.
Многи кажу да је сарма најбоља кад се подгрева други или трећи дан. Служи се топла, са хлебом и киселим млеком.
""")
_t("srp_Cyrl", "local-news", """
Градска управа је најавила да ће до краја године бити обновљен стари мост преко реке у центру града. Мост је изграђен пре више од осамдесет година и последњих година је био у лошем стању.
Током радова саобраћај ће бити преусмерен на нови мост на северу града, а пешаци ће моћи да користе привремену пешачку стазу. Надлежни моле возаче за стрпљење, јер се у јутарњим сатима очекују гужве.
Након обнове мост ће добити ново осветљење и посебну стазу за бициклисте.
""")
_t("ell_Grek", "cooking", """
Ο μουσακάς είναι ένα από τα πιο γνωστά ελληνικά φαγητά και σερβίρεται συχνά στα οικογενειακά τραπέζια της Κυριακής. Φτιάχνεται με μελιτζάνες, πατάτες, κιμά και μια πλούσια κρέμα μπεσαμέλ.
Πρώτα τηγανίζουμε ή ψήνουμε τις φέτες μελιτζάνας και πατάτας. Στη συνέχεια μαγειρεύουμε τον κιμά με κρεμμύδι, σκόρδο, ντομάτα, κανέλα και λίγο κόκκινο κρασί. Σε ένα ταψί στρώνουμε τις πατάτες, τις μελιτζάνες και τον κιμά, και στο τέλος απλώνουμε την μπεσαμέλ.
Ψήνουμε τον μουσακά στον φούρνο για περίπου μία ώρα, μέχρι να ροδίσει η επιφάνεια. Είναι καλό να τον αφήσουμε να κρυώσει λίγο πριν τον κόψουμε σε κομμάτια.
""")
_t("ell_Grek", "travel", """
Η Νάξος είναι το μεγαλύτερο νησί των Κυκλάδων και ένας ιδανικός προορισμός για όσους θέλουν να συνδυάσουν θάλασσα, βουνό και ιστορία. Οι παραλίες της είναι μεγάλες, με χρυσή άμμο και καθαρά νερά.
Στην ενδοχώρα υπάρχουν όμορφα ορεινά χωριά με πέτρινα σπίτια, παλιές εκκλησίες και ταβέρνες που σερβίρουν ντόπιο τυρί και κρασί. Στο λιμάνι της πόλης θα δείτε την Πορτάρα, τη μεγάλη μαρμάρινη πύλη ενός αρχαίου ναού που δεν ολοκληρώθηκε ποτέ.
Ο καλύτερος μήνας για να επισκεφθείτε το νησί είναι ο Ιούνιος ή ο Σεπτέμβριος, όταν ο καιρός είναι ζεστός αλλά δεν έχει πολύ κόσμο.
""")
_t("ell_Grek", "weather", """
Σύμφωνα με την Εθνική Μετεωρολογική Υπηρεσία, τις επόμενες ημέρες αναμένεται καύσωνας σε μεγάλο μέρος της χώρας. Η θερμοκρασία θα φτάσει τους σαράντα βαθμούς στα κεντρικά και νότια ηπειρωτικά.
Οι αρχές συστήνουν στους πολίτες να αποφεύγουν την έκθεση στον ήλιο τις μεσημεριανές ώρες, να πίνουν πολύ νερό και να φορούν ελαφριά ρούχα. Οι δήμοι θα λειτουργήσουν κλιματιζόμενες αίθουσες για τους ηλικιωμένους.
Από το Σάββατο αναμένεται σταδιακή πτώση της θερμοκρασίας και ενίσχυση των ανέμων στο Αιγαίο.
""")
_t("arb_Arab", "cooking", """
يعد الفلافل من أشهر الأطباق الشعبية في بلاد الشام ومصر، ويتناوله الناس عادة في وجبة الإفطار أو كوجبة سريعة في أي وقت من اليوم. ويحضر في بعض البلدان من الحمص، وفي بلدان أخرى من الفول المجروش.
تنقع الحبوب في الماء ليلة كاملة، ثم تطحن مع البصل والثوم والبقدونس والكزبرة والكمون والملح حتى يصبح الخليط متماسكا. بعد ذلك يشكل الخليط على هيئة أقراص صغيرة وتقلى في زيت غزير وساخن حتى يصبح لونها ذهبيا.
يقدم الفلافل داخل خبز عربي مع الطحينة والخضار المقطعة والمخلل. ويقول كثيرون إن أطيب فلافل هو ذلك الذي يباع في عربات الشوارع الصغيرة في الصباح الباكر.
""")
_t("arb_Arab", "local-news", """
أعلنت البلدية يوم الأحد عن افتتاح مكتبة عامة جديدة في وسط المدينة، تضم أكثر من عشرين ألف كتاب باللغتين العربية والإنجليزية، إضافة إلى قاعة للأطفال ومختبر للحاسوب.
وقال رئيس البلدية خلال حفل الافتتاح إن المكتبة ستفتح أبوابها طوال أيام الأسبوع، وإن الاشتراك فيها سيكون مجانيا لطلاب المدارس والجامعات. وأضاف أن المكتبة ستنظم ورشا أسبوعية في القراءة والكتابة والرسم، وأمسيات ثقافية يشارك فيها كتاب وشعراء من المنطقة.
ورحب السكان بالمشروع، مشيرين إلى أن المدينة كانت تفتقر منذ سنوات إلى مكان هادئ للدراسة والقراءة. وقالت إحدى الأمهات إنها ستصطحب أطفالها إلى المكتبة كل يوم جمعة لتشجيعهم على حب الكتب.
""")
_t("arb_Arab", "science", """
لماذا يتغير شكل القمر خلال الشهر؟ القمر لا يضيء من تلقاء نفسه، بل يعكس ضوء الشمس. وبينما يدور حول الأرض، نرى أجزاء مختلفة من نصفه المضاء.
عندما يكون القمر بين الأرض والشمس، يكون الجانب المضاء بعيدا عنا فلا نراه، وهذا ما يسمى المحاق. ثم يظهر الهلال الرقيق، ويكبر يوما بعد يوم حتى يصبح بدرا كاملا حين تكون الأرض بين الشمس والقمر. بعد ذلك يبدأ في التناقص من جديد.
تستغرق هذه الدورة نحو تسعة وعشرين يوما ونصف اليوم، وقد اعتمد عليها الناس منذ القدم في حساب الشهور والمواسم.
""")
_t("arb_Arab", "travel", """
تعد مدينة البتراء في جنوب الأردن من أجمل المواقع الأثرية في العالم، وقد نحتها الأنباط في الصخر الوردي قبل أكثر من ألفي عام. يدخل الزوار المدينة عبر السيق، وهو ممر ضيق بين جبال شاهقة يمتد لأكثر من كيلومتر.
في نهاية السيق تظهر الخزنة فجأة أمام العينين، وهي واجهة ضخمة منحوتة بدقة مذهلة. ويمكن للزوار بعد ذلك صعود مئات الدرجات للوصول إلى الدير، حيث تطل المنطقة على مناظر رائعة للجبال والوديان.
ينصح بزيارة البتراء في الربيع أو الخريف، وارتداء حذاء مريح، وحمل كمية كافية من الماء، لأن الجولة قد تستغرق يوما كاملا.
""")
_t("pes_Arab", "cooking", """
قورمه‌سبزی یکی از محبوب‌ترین غذاهای ایرانی است و کمتر خانواده‌ای پیدا می‌شود که هر چند وقت یک بار آن را نپزد. این خورش با سبزی‌های معطر، گوشت، لوبیا قرمز و لیمو عمانی درست می‌شود.
ابتدا سبزی‌ها را که شامل تره، جعفری، گشنیز و کمی شنبلیله است، خرد می‌کنند و در روغن سرخ می‌کنند تا رنگ آنها تیره شود. سپس گوشت را با پیاز و زردچوبه تفت می‌دهند، لوبیا و آب را اضافه می‌کنند و می‌گذارند چند ساعت روی حرارت ملایم بپزد.
در پایان سبزی سرخ‌شده و لیمو عمانی را به خورش اضافه می‌کنند. قورمه‌سبزی را معمولا با برنج کته یا چلو و ته‌دیگ سرو می‌کنند.
""")
_t("pes_Arab", "travel", """
اصفهان را نصف جهان می‌نامند و هر کس یک بار به این شهر سفر کرده باشد، دلیل این نام را می‌فهمد. میدان نقش جهان با مسجدهای زیبا، کاخ عالی‌قاپو و بازار بزرگ قدیمی، قلب تاریخی شهر است.
پل‌های قدیمی روی زاینده‌رود، به ویژه سی‌وسه‌پل و پل خواجو، در شب‌ها بسیار دیدنی هستند. مردم شهر عصرها برای قدم زدن و گفت‌وگو به کنار رودخانه می‌آیند.
بهترین زمان سفر به اصفهان بهار و پاییز است. فراموش نکنید که گز و بریانی اصفهان را امتحان کنید.
""")
_t("pes_Arab", "science", """
چرا آسمان شب پر از ستاره است اما در شهرهای بزرگ ستاره‌های کمی دیده می‌شود؟ دلیل اصلی آن آلودگی نوری است. چراغ‌های خیابان، ساختمان‌ها و تابلوهای تبلیغاتی نور زیادی به آسمان می‌فرستند.
این نور در هوا پخش می‌شود و آسمان را روشن می‌کند، به طوری که نور ضعیف ستاره‌ها در آن گم می‌شود. در روستاها و بیابان‌ها که نور مصنوعی کمی وجود دارد، می‌توان هزاران ستاره و حتی کهکشان راه شیری را با چشم دید.
دانشمندان می‌گویند آلودگی نوری روی خواب انسان‌ها و زندگی پرندگان و حشرات هم اثر منفی دارد.
""")
_t("urd_Arab", "cooking", """
بریانی پاکستان اور ہندوستان کے سب سے مقبول کھانوں میں سے ایک ہے، اور شادیوں اور دعوتوں میں تو اس کے بغیر دسترخوان ادھورا سمجھا جاتا ہے۔ اس میں چاول، گوشت، دہی، پیاز اور بہت سے مصالحے استعمال ہوتے ہیں۔
پہلے گوشت کو دہی، ادرک، لہسن اور مصالحوں میں کچھ دیر کے لیے رکھ دیا جاتا ہے۔ پھر پیاز کو سنہری ہونے تک تلا جاتا ہے اور گوشت کو اس کے ساتھ پکایا جاتا ہے۔ چاولوں کو الگ سے آدھا ابال کر گوشت کے اوپر تہوں میں بچھایا جاتا ہے۔
آخر میں دیگچی کو ڈھک کر ہلکی آنچ پر دم دیا جاتا ہے۔ بریانی کو رائتے اور سلاد کے ساتھ پیش کیا جاتا ہے۔
""")
_t("urd_Arab", "weather", """
محکمہ موسمیات کے مطابق آئندہ چند دنوں میں ملک کے بیشتر علاقوں میں مون سون کی بارشوں کا امکان ہے۔ لاہور، اسلام آباد اور پشاور میں تیز ہواؤں کے ساتھ موسلا دھار بارش ہو سکتی ہے۔
حکام نے شہریوں کو ہدایت کی ہے کہ وہ نشیبی علاقوں میں احتیاط کریں اور بجلی کے کھمبوں سے دور رہیں۔ کسانوں کو بھی مشورہ دیا گیا ہے کہ وہ اپنی فصلوں کی حفاظت کے لیے پہلے سے انتظامات کر لیں۔
بارشوں کے بعد گرمی کی شدت میں کمی آنے کی توقع ہے۔
""")
_t("heb_Hebr", "cooking", """
שקשוקה היא אחת מארוחות הבוקר האהובות בישראל, והיא מוגשת כמעט בכל בית קפה. בבסיס המנה יש רוטב עשיר של עגבניות, פלפלים, בצל ושום, שבתוכו מבשלים ביצים.
קודם מטגנים את הבצל והפלפלים בשמן זית עד שהם מתרככים. מוסיפים שום, פפריקה, כמון ועגבניות קצוצות, ומבשלים על אש נמוכה כרבע שעה עד שהרוטב מסמיך. אחר כך יוצרים גומות קטנות ברוטב ושוברים לתוכן את הביצים.
מכסים את המחבת ומחכים עד שהחלבון מתקשה אבל החלמון עדיין רך. מגישים את השקשוקה ישר מהמחבת עם לחם טרי וסלט קצוץ.
""")
_t("heb_Hebr", "local-news", """
העירייה הודיעה השבוע כי בקיץ הקרוב ייפתח שביל אופניים חדש לאורך החוף, שיחבר בין השכונות הצפוניות למרכז העיר. אורכו של השביל יהיה כשבעה קילומטרים.
לדברי ראש העירייה, המטרה היא לעודד את התושבים לוותר על הרכב בנסיעות קצרות ולהפחית את העומס בכבישים. לאורך השביל יוצבו ספסלים, ברזיות ועמדות להשכרת אופניים. העבודות צפויות להימשך כחצי שנה, והשביל ייפתח בהדרגה, קטע אחר קטע.
תושבים רבים בירכו על התוכנית, אך חלקם הביעו חשש מכך שהעבודות יפגעו בחניה ליד הים בחודשי הקיץ.
""")
_t("heb_Hebr", "science", """
למה אנחנו מפהקים? למרות שכולנו מפהקים כמה פעמים ביום, מדענים עדיין לא יודעים בוודאות מה התפקיד של הפיהוק. אחת ההשערות המקובלות היא שהפיהוק עוזר לקרר את המוח.
כשאנחנו פותחים את הפה לרווחה ושואפים אוויר עמוק, זרימת הדם לראש משתנה ואוויר קריר נכנס לגוף. מחקרים הראו שאנשים מפהקים יותר כשהטמפרטורה בחוץ נעימה, ופחות כשחם מאוד או קר מאוד.
עוד עובדה מעניינת היא שפיהוק מדבק. מספיק לראות מישהו מפהק, או אפילו לקרוא על פיהוק, כדי שנרצה לפהק בעצמנו.
""")
_t("kat_Geor", "cooking", """
ხაჭაპური ქართული სამზარეულოს ყველაზე ცნობილი კერძია და მას თითქმის ყველა ოჯახში აცხობენ. არსებობს ხაჭაპურის ბევრი სახეობა, მაგრამ ყველაზე პოპულარულია იმერული და აჭარული.
ცომს ამზადებენ ფქვილის, მაწვნის, კვერცხისა და ცოტა მარილისგან. შიგთავსისთვის იყენებენ დაფშვნილ იმერულ ან სულგუნის ყველს. ცომს აბრტყელებენ, შუაში ყველს დებენ, კიდეებს კრავენ და ღუმელში აცხობენ, სანამ ოქროსფერი არ გახდება.
აჭარულ ხაჭაპურს ნავის ფორმა აქვს, ხოლო გამოცხობის შემდეგ მის შუაში კვერცხსა და კარაქს დებენ. მას ცხლად მიირთმევენ.
""")
_t("kat_Geor", "travel", """
სტეფანწმინდა საქართველოს ერთ-ერთი ყველაზე ლამაზი ადგილია, რომელიც თბილისიდან დაახლოებით სამი საათის სავალზეა. გზა საქართველოს სამხედრო გზაზე გადის და მთების შესანიშნავ ხედებს გვთავაზობს.
სოფლის თავზე, მაღალ გორაზე დგას გერგეტის სამების ეკლესია, რომლის უკანაც ყაზბეგის თოვლიანი მწვერვალი მოჩანს. ეკლესიამდე ფეხით ასვლას დაახლოებით ორი საათი სჭირდება, მაგრამ შეიძლება მანქანითაც ახვიდეთ.
ზაფხულში აქ ბევრი ტურისტი ჩამოდის, ზამთარში კი გზა ხანდახან თოვლის გამო იკეტება.
""")
_t("hye_Armn", "cooking", """
Տոլման հայկական խոհանոցի ամենասիրված ուտեստներից է, և այն պատրաստում են գրեթե յուրաքանչյուր տոնի համար։ Ամենատարածվածը խաղողի տերևով տոլման է, իսկ ամռանը պատրաստում են նաև պղպեղով, լոլիկով և սմբուկով տոլմա։
Լցոնի համար աղացած միսը խառնում են բրնձի, սոխի, կանաչիների և համեմունքների հետ։ Այնուհետև խառնուրդը փաթաթում են խաղողի տերևների մեջ, դասավորում են կաթսայում և եփում են թույլ կրակի վրա մոտ մեկ ժամ։
Տոլման մատուցում են տաք վիճակում՝ սխտորով մածունի հետ։ Շատերը կարծում են, որ հաջորդ օրը այն ավելի համեղ է լինում։
""")
_t("hye_Armn", "travel", """
Սևանա լիճը Հայաստանի ամենամեծ լիճն է և երկրի ամենասիրված հանգստավայրերից մեկը։ Այն գտնվում է ծովի մակերևույթից մոտ երկու հազար մետր բարձրության վրա, ուստի ամռանն անգամ այստեղ զով է։
Լճի ափին, թերակղզու վրա կանգնած է Սևանավանք վանքը, որը կառուցվել է իններորդ դարում։ Վանքից բացվում է գեղեցիկ տեսարան դեպի կապույտ ջուրը և շրջակա լեռները։
Այցելուները հաճախ փորձում են տեղական իշխան ձուկը, որը մատուցվում է ափամերձ փոքրիկ ռեստորաններում։
""")
_t("hin_Deva", "cooking", """
दाल तड़का उत्तर भारत के घरों में सबसे ज़्यादा बनने वाले व्यंजनों में से एक है। इसे अरहर या मूंग की दाल से बनाया जाता है और चावल या रोटी के साथ परोसा जाता है।
सबसे पहले दाल को धोकर हल्दी और नमक के साथ प्रेशर कुकर में पकाया जाता है। फिर एक कड़ाही में घी गरम करके उसमें जीरा, हींग, लहसुन, प्याज़ और हरी मिर्च डाली जाती है। जब प्याज़ सुनहरा हो जाए, तब टमाटर और मसाले मिलाकर कुछ देर भूनते हैं।
आख़िर में इस तड़के को पकी हुई दाल में डालकर अच्छी तरह मिला दिया जाता है। ऊपर से हरा धनिया डालें और गरम-गरम परोसें। सर्दियों में इसका स्वाद और भी अच्छा लगता है।
""")
_t("hin_Deva", "local-news", """
शहर के नगर निगम ने घोषणा की है कि अगले महीने से पुराने बाज़ार की सड़कों पर वाहनों का प्रवेश सुबह दस बजे से रात आठ बजे तक बंद रहेगा। इस फ़ैसले का मक़सद भीड़ कम करना और पैदल चलने वालों के लिए बाज़ार को सुरक्षित बनाना है।
निगम आयुक्त ने बताया कि बाज़ार के पास दो नई पार्किंग बनाई जा रही हैं, जहाँ लोग अपनी गाड़ियाँ खड़ी कर सकेंगे। बुज़ुर्गों और दिव्यांगों के लिए बैटरी से चलने वाले रिक्शे भी चलाए जाएँगे। दुकानदारों के सामान की ढुलाई के लिए सुबह और रात का समय तय किया गया है।
कुछ व्यापारियों ने इस फ़ैसले पर चिंता जताई है। उनका कहना है कि इससे ग्राहकों की संख्या घट सकती है। लेकिन कई स्थानीय निवासियों ने इसका स्वागत किया और कहा कि अब बच्चों के साथ बाज़ार जाना आसान होगा।
""")
_t("hin_Deva", "science", """
बारिश के बाद आसमान में इंद्रधनुष क्यों दिखाई देता है? जब सूरज की रोशनी हवा में मौजूद पानी की छोटी-छोटी बूँदों से होकर गुज़रती है, तो वह मुड़ जाती है और अलग-अलग रंगों में बँट जाती है।
सूरज की सफ़ेद रोशनी असल में सात रंगों से मिलकर बनी होती है। हर रंग पानी की बूँद में थोड़ा अलग कोण पर मुड़ता है, इसलिए रंग एक-दूसरे से अलग होकर आसमान में एक सुंदर चाप बना देते हैं।
इंद्रधनुष देखने के लिए सूरज आपकी पीठ के पीछे होना चाहिए और सामने बारिश की बूँदें होनी चाहिए। इसीलिए यह अक्सर सुबह या शाम के समय दिखाई देता है।
""")
_t("hin_Deva", "travel", """
जयपुर को गुलाबी शहर कहा जाता है, क्योंकि पुराने शहर की ज़्यादातर इमारतें गुलाबी रंग से रंगी हुई हैं। यह राजस्थान की राजधानी है और हर साल लाखों पर्यटक यहाँ घूमने आते हैं।
आमेर का किला, हवा महल और जंतर मंतर यहाँ की सबसे मशहूर जगहें हैं। आमेर किले तक पहुँचने के लिए पहाड़ी पर चढ़ना पड़ता है, लेकिन ऊपर से दिखने वाला नज़ारा बहुत ख़ूबसूरत है। पुराने शहर के बाज़ारों में रंग-बिरंगे कपड़े, गहने और हस्तशिल्प मिलते हैं।
जयपुर घूमने का सबसे अच्छा समय अक्टूबर से मार्च तक है, जब मौसम ठंडा और सुहाना रहता है।
""")
_t("mar_Deva", "cooking", """
पुरणपोळी हा महाराष्ट्रातील सणासुदीचा सर्वात आवडता गोड पदार्थ आहे. होळी, गुढीपाडवा आणि इतर सणांना घरोघरी पुरणपोळी बनवली जाते.
पुरण तयार करण्यासाठी चण्याची डाळ शिजवून त्यात गूळ घालतात आणि ते घट्ट होईपर्यंत शिजवतात. त्यात वेलची आणि जायफळाची पूड घातली की छान सुगंध येतो. कणीक मऊ भिजवून त्याच्या गोळ्यात पुरण भरतात आणि पातळ पोळी लाटतात.
तव्यावर दोन्ही बाजूंनी खरपूस भाजल्यानंतर पुरणपोळी तुपासोबत किंवा दुधासोबत खायला दिली जाते. अनेक घरांमध्ये तिच्यासोबत कटाची आमटीही केली जाते.
""")
_t("mar_Deva", "local-news", """
शहरातील जुन्या तलावाच्या सुशोभीकरणाचे काम अखेर पूर्ण झाले असून रविवारी तो नागरिकांसाठी खुला करण्यात आला. तलावाच्या काठावर चालण्यासाठी रस्ता, बसण्यासाठी बाक आणि मुलांसाठी खेळण्याची जागा तयार करण्यात आली आहे.
महापालिकेच्या अधिकाऱ्यांनी सांगितले की तलावातील गाळ काढल्यामुळे आता पावसाळ्यात जास्त पाणी साठवता येईल. परिसरात पाचशेहून अधिक झाडेही लावण्यात आली आहेत.
सकाळी आणि संध्याकाळी फिरायला येणाऱ्या नागरिकांनी या कामाबद्दल समाधान व्यक्त केले आहे.
""")
_t("npi_Deva", "cooking", """
मःम नेपालमा सबैभन्दा लोकप्रिय खाजामध्ये एक हो। काठमाडौंका गल्ली गल्लीमा मःम पसल भेटिन्छन् र विद्यार्थीदेखि कार्यालय जाने मानिससम्म सबैले यसलाई मन पराउँछन्।
मःम बनाउन मैदाको पातलो पिठोभित्र मासु वा तरकारीको मसला भरिन्छ। मसलामा प्याज, लसुन, अदुवा, धनियाँ र अलिकति नुन मिसाइन्छ। त्यसपछि मःमलाई बाफमा करिब पन्ध्र मिनेट पकाइन्छ।
मःमलाई तातै गोलभेडा र तिलको अचारसँग खाइन्छ। कतिपय मानिसहरू यसलाई तेलमा तारेर वा झोलमा डुबाएर पनि खान रुचाउँछन्।
""")
_t("npi_Deva", "travel", """
पोखरा नेपालको सबैभन्दा सुन्दर पर्यटकीय सहरमध्ये एक हो। फेवा तालको किनारमा बसेको यो सहरबाट माछापुच्छ्रे र अन्नपूर्ण हिमालको मनमोहक दृश्य देखिन्छ।
बिहान सबेरै सराङकोट पुगेर हिमालमा सूर्योदय हेर्नु धेरै पर्यटकको पहिलो रोजाइ हुन्छ। दिउँसो फेवा तालमा डुंगा चढ्न, प्याराग्लाइडिङ गर्न वा गुफा घुम्न सकिन्छ। पोखरा अन्नपूर्ण क्षेत्रको पदयात्रा सुरु गर्ने मुख्य ठाउँ पनि हो।
असोज, कात्तिक र चैत महिनामा आकाश सफा हुने भएकाले घुम्नका लागि यो समय सबैभन्दा उपयुक्त मानिन्छ।
""")
_t("ben_Beng", "cooking", """
ইলিশ মাছ বাঙালির কাছে শুধু একটি খাবার নয়, এটি আবেগের নাম। বর্ষাকালে বাজারে যখন ইলিশ আসে, তখন প্রায় প্রতিটি বাড়িতেই সরষে ইলিশ রান্না হয়।
প্রথমে মাছের টুকরোগুলো হলুদ ও নুন মাখিয়ে রাখা হয়। সরষে দানা আর কাঁচালঙ্কা একসঙ্গে বেটে একটি মসৃণ বাটা তৈরি করা হয়। তারপর কড়াইয়ে সরষের তেল গরম করে তাতে কালোজিরে ফোড়ন দিয়ে সরষে বাটা আর অল্প জল দেওয়া হয়।
ঝোল ফুটে উঠলে মাছের টুকরোগুলো দিয়ে ঢেকে অল্প আঁচে রান্না করতে হয়। শেষে ওপর থেকে কাঁচা সরষের তেল ছড়িয়ে দিলে স্বাদ আরও বেড়ে যায়। গরম ভাতের সঙ্গে এর কোনো তুলনা নেই।
""")
_t("ben_Beng", "local-news", """
শহরের পুরনো গ্রন্থাগারটি সংস্কারের পর আবার পাঠকদের জন্য খুলে দেওয়া হয়েছে। নতুন করে সাজানো এই গ্রন্থাগারে এখন শিশুদের জন্য আলাদা একটি কক্ষ এবং কম্পিউটার ব্যবহারের সুবিধা রয়েছে।
পৌরসভার মেয়র জানান, গ্রন্থাগারে প্রায় পঁচিশ হাজার বই আছে এবং প্রতি মাসে নতুন বই কেনা হবে। ছাত্রছাত্রীরা বিনা খরচে সদস্য হতে পারবে। সপ্তাহে একদিন সন্ধ্যায় গল্প পাঠের আসরও বসবে।
স্থানীয় বাসিন্দারা এই উদ্যোগকে স্বাগত জানিয়েছেন। অনেকেই বলেছেন, মোবাইলের যুগে শিশুদের বই পড়ার অভ্যাস গড়ে তুলতে এমন উদ্যোগ খুব দরকার।
""")
_t("ben_Beng", "weather", """
আবহাওয়া অফিস জানিয়েছে, আগামী তিন দিন দেশের বেশিরভাগ এলাকায় মাঝারি থেকে ভারী বৃষ্টি হতে পারে। বঙ্গোপসাগরে সৃষ্টি হওয়া একটি লঘুচাপের কারণে এই বৃষ্টি হবে।
উপকূলীয় এলাকায় ঝোড়ো হাওয়া বইতে পারে, তাই মাছ ধরার নৌকাগুলোকে নিরাপদ আশ্রয়ে থাকতে বলা হয়েছে। শহরের নিচু এলাকাগুলোতে জলাবদ্ধতার আশঙ্কাও রয়েছে।
বৃষ্টির পর তাপমাত্রা কিছুটা কমবে এবং গরমের অস্বস্তি থেকে মানুষ খানিকটা স্বস্তি পাবে। কৃষকদের জন্য এই বৃষ্টি আমন ধান রোপণের কাজে সহায়ক হবে বলে জানিয়েছে কৃষি বিভাগ।
""")
_t("tam_Taml", "cooking", """
இட்லி தென்னிந்தியாவின் மிகவும் பிரபலமான காலை உணவுகளில் ஒன்றாகும். இது மென்மையாகவும் எளிதில் செரிமானமாகக் கூடியதாகவும் இருப்பதால் குழந்தைகள் முதல் முதியவர்கள் வரை அனைவரும் விரும்பி சாப்பிடுகிறார்கள்.
இட்லி செய்ய அரிசியையும் உளுந்தையும் தனித்தனியாக சில மணி நேரம் ஊற வைக்க வேண்டும். பின்னர் அவற்றை அரைத்து, உப்பு சேர்த்து, இரவு முழுவதும் புளிக்க வைக்க வேண்டும். காலையில் மாவை இட்லி தட்டுகளில் ஊற்றி ஆவியில் பத்து நிமிடம் வேக வைக்கலாம்.
சூடான இட்லியை தேங்காய் சட்னி மற்றும் சாம்பாருடன் பரிமாறுவார்கள். சிலர் இட்லி பொடியுடன் நல்லெண்ணெய் சேர்த்தும் சாப்பிடுவார்கள்.
""")
_t("tam_Taml", "local-news", """
நகரின் முக்கிய பேருந்து நிலையம் புதுப்பிக்கப்பட்டு நேற்று பொதுமக்களின் பயன்பாட்டுக்கு திறந்து வைக்கப்பட்டது. புதிய நிலையத்தில் பயணிகள் அமர்வதற்கான இருக்கைகள், குடிநீர் வசதி மற்றும் சுத்தமான கழிப்பறைகள் அமைக்கப்பட்டுள்ளன.
பேருந்துகள் வரும் நேரத்தை காட்டும் மின்னணு திரைகளும் பொருத்தப்பட்டுள்ளன என்று நகராட்சி ஆணையர் தெரிவித்தார். மழைக்காலத்தில் பயணிகள் நனையாமல் இருக்க பெரிய கூரையும் அமைக்கப்பட்டுள்ளது.
இந்த வசதிகள் தினமும் பயணம் செய்யும் ஆயிரக்கணக்கான மக்களுக்கு பெரிதும் உதவும் என்று பொதுமக்கள் மகிழ்ச்சி தெரிவித்தனர்.
""")
_t("tel_Telu", "cooking", """
పులిహోర తెలుగు ఇళ్లలో పండుగలకు, పూజలకు తప్పనిసరిగా చేసే వంటకం. చింతపండు పులుపు, పోపు ఘుమఘుమలు కలిసిన ఈ అన్నం అంటే అందరికీ ఇష్టం.
ముందుగా అన్నం వండి పొడిపొడిగా ఆరబెట్టాలి. చింతపండును నానబెట్టి గుజ్జు తీసి, అందులో పసుపు, ఉప్పు వేసి చిక్కగా ఉడికించాలి. తర్వాత నూనెలో ఆవాలు, శనగపప్పు, మినపప్పు, వేరుశనగ గుళ్లు, ఎండుమిర్చి, కరివేపాకు వేసి పోపు పెట్టాలి.
ఈ పోపును, చింతపండు గుజ్జును అన్నంలో కలిపి కొంతసేపు అలాగే ఉంచితే రుచి బాగా పడుతుంది. పులిహోర ప్రయాణాల్లో తీసుకువెళ్లడానికి కూడా చాలా అనుకూలంగా ఉంటుంది.
""")
_t("tel_Telu", "weather", """
రాబోయే రెండు రోజుల్లో రాష్ట్రంలోని పలు జిల్లాల్లో భారీ వర్షాలు కురిసే అవకాశం ఉందని వాతావరణ శాఖ తెలిపింది. బంగాళాఖాతంలో ఏర్పడిన అల్పపీడనం కారణంగా ఈ వర్షాలు పడనున్నాయి.
తీర ప్రాంతాల్లో బలమైన గాలులు వీచే అవకాశం ఉన్నందున మత్స్యకారులు సముద్రంలోకి వెళ్లవద్దని అధికారులు సూచించారు. లోతట్టు ప్రాంతాల ప్రజలు అప్రమత్తంగా ఉండాలని కోరారు.
వర్షాల వల్ల ఉష్ణోగ్రతలు తగ్గి వాతావరణం చల్లబడుతుందని అధికారులు చెప్పారు. రైతులు పంటలను కాపాడుకోవడానికి ముందుజాగ్రత్తలు తీసుకోవాలని వ్యవసాయ శాఖ సూచించింది.
""")
_t("tha_Thai", "cooking", """
ต้มยำกุ้งเป็นอาหารไทยที่มีชื่อเสียงไปทั่วโลก รสชาติเปรี้ยว เผ็ด และหอมกลิ่นสมุนไพร ทำให้หลายคนที่ได้ลองชิมครั้งแรกติดใจจนต้องกลับมากินอีก
เริ่มจากต้มน้ำให้เดือด ใส่ตะไคร้ ข่า และใบมะกรูดที่ฉีกแล้วลงไป เพื่อให้น้ำซุปมีกลิ่นหอม จากนั้นใส่เห็ดฟางและกุ้งสด ต้มจนกุ้งเปลี่ยนเป็นสีส้ม แล้วจึงปิดไฟ
ปรุงรสด้วยน้ำปลา น้ำมะนาว และพริกขี้หนูบุบ ถ้าชอบแบบน้ำข้นก็เติมนมข้นจืดหรือน้ำพริกเผาลงไปเล็กน้อย เคล็ดลับสำคัญคือต้องใส่น้ำมะนาวหลังจากปิดไฟแล้ว เพราะถ้าต้มนานเกินไปน้ำซุปจะมีรสขม
""")
_t("tha_Thai", "travel", """
เชียงใหม่เป็นจังหวัดทางภาคเหนือที่นักท่องเที่ยวทั้งชาวไทยและชาวต่างชาตินิยมไปเที่ยวมากที่สุดแห่งหนึ่ง โดยเฉพาะในช่วงฤดูหนาวที่อากาศเย็นสบาย
ในตัวเมืองมีวัดเก่าแก่มากมาย เช่น วัดพระสิงห์และวัดเจดีย์หลวง ส่วนบนดอยสุเทพก็มีวัดพระธาตุดอยสุเทพที่สามารถมองเห็นวิวเมืองเชียงใหม่ได้ทั้งเมือง ตอนเย็นวันอาทิตย์อย่าลืมไปเดินถนนคนเดินเพื่อชิมอาหารพื้นเมืองและซื้อของฝาก
ถ้ามีเวลามากพอ ลองขับรถขึ้นไปดอยอินทนนท์ ยอดเขาที่สูงที่สุดในประเทศไทย ตอนเช้าจะได้เห็นทะเลหมอกที่สวยงามมาก!
""")
_t("tha_Thai", "weather", """
กรมอุตุนิยมวิทยาประกาศเตือนว่าในช่วงสามวันข้างหน้าจะมีฝนตกหนักถึงหนักมากในหลายพื้นที่ของภาคใต้ เนื่องจากมรสุมตะวันออกเฉียงเหนือมีกำลังแรงขึ้น
ประชาชนที่อาศัยอยู่ในพื้นที่เสี่ยงภัยควรระวังน้ำท่วมฉับพลันและน้ำป่าไหลหลาก ส่วนชาวประมงควรงดออกจากฝั่ง เพราะคลื่นในทะเลอ่าวไทยอาจสูงถึงสามเมตร
สำหรับกรุงเทพมหานครและปริมณฑล คาดว่าจะมีฝนตกบางแห่งในช่วงบ่าย และอุณหภูมิจะลดลงเล็กน้อยในช่วงปลายสัปดาห์ ผู้ที่ต้องเดินทางไกลควรตรวจสอบสภาพอากาศก่อนออกจากบ้านทุกครั้ง
""")
_t("khm_Khmr", "cooking", """
អាម៉ុកត្រី គឺជាម្ហូបខ្មែរដ៏ល្បីល្បាញមួយ ដែលគេតែងតែធ្វើនៅក្នុងពិធីបុណ្យ និងពេលមានភ្ញៀវមកលេងផ្ទះ។ ម្ហូបនេះមានរសជាតិឈ្ងុយឆ្ងាញ់ ដោយសារគ្រឿងទេសជាច្រើនប្រភេទ។
ដំបូង គេត្រូវបុកគ្រឿងដែលមានស្លឹកគ្រៃ រមៀត ខ្ទឹមស ខ្ទឹមក្រហម និងស្លឹកក្រូចសើច។ បន្ទាប់មក គេលាយគ្រឿងនោះជាមួយខ្ទិះដូង ស៊ុត ទឹកត្រី និងសាច់ត្រីដែលកាត់ជាដុំតូចៗ។
គេដាក់ល្បាយនោះក្នុងចានស្លឹកចេក ហើយចំហុយប្រហែលម្ភៃនាទី រហូតដល់វាខាប់ល្អ។ អាម៉ុកត្រីត្រូវបានញ៉ាំជាមួយបាយក្តៅៗ។
""")
_t("khm_Khmr", "travel", """
ប្រាសាទអង្គរវត្ត គឺជានិមិត្តរូបរបស់ប្រទេសកម្ពុជា ហើយក៏ជាប្រាសាទសាសនាធំជាងគេបំផុតនៅលើពិភពលោកផងដែរ។ ភ្ញៀវទេសចររាប់លាននាក់មកទស្សនាប្រាសាទនេះជារៀងរាល់ឆ្នាំ។
មនុស្សជាច្រើនក្រោកពីព្រលឹម ដើម្បីមើលថ្ងៃរះនៅពីក្រោយកំពូលប្រាសាទទាំងប្រាំ។ ក្រៅពីអង្គរវត្ត នៅមានប្រាសាទបាយ័ន និងប្រាសាទតាព្រហ្មដែលមានដើមឈើធំៗដុះលើជញ្ជាំង។
ពេលវេលាល្អបំផុតសម្រាប់ការទៅលេង គឺចាប់ពីខែវិច្ឆិកា ដល់ខែកុម្ភៈ ដែលអាកាសធាតុមិនសូវក្តៅ។ ភ្ញៀវគួរតែពាក់សម្លៀកបំពាក់សមរម្យ និងយកទឹកផឹកទៅជាមួយផង។
""")
_t("mya_Mymr", "cooking", """
မုန့်ဟင်းခါးသည် မြန်မာနိုင်ငံ၏ အမျိုးသားအစားအစာဟု လူအများက သတ်မှတ်ကြသည်။ မနက်စာအဖြစ် လမ်းဘေးဆိုင်များတွင် အများဆုံး ရောင်းချကြသည်။
ဟင်းရည်ကို ငါး၊ ကြက်သွန်နီ၊ ကြက်သွန်ဖြူ၊ ဂျင်း၊ စပါးလင်နှင့် ငှက်ပျောအူတို့ဖြင့် ချက်ပြုတ်သည်။ ဆန်မှုန့်ကို လှော်ပြီး ထည့်သဖြင့် ဟင်းရည်သည် ပျစ်ပြီး မွှေးကြိုင်သည်။
စားသည့်အခါ ဆန်ခေါက်ဆွဲပေါ်တွင် ဟင်းရည်လောင်းပြီး ဘဲဥပြုတ်၊ ပဲကြော်နှင့် သံပုရာသီးတို့ကို ထည့်စားကြသည်။ ငရုတ်သီးမှုန့်ကိုလည်း မိမိကြိုက်သလောက် ထည့်နိုင်သည်။
""")
_t("mya_Mymr", "travel", """
ပုဂံသည် မြန်မာနိုင်ငံ၏ အလယ်ပိုင်းတွင် တည်ရှိပြီး ဘုရားစေတီ ထောင်ပေါင်းများစွာ ရှိသော ရှေးဟောင်းမြို့တော် ဖြစ်သည်။ နှစ်စဉ် ပြည်တွင်းပြည်ပ ခရီးသည် အများအပြား လာရောက်လည်ပတ်ကြသည်။
နံနက်စောစော နေထွက်ချိန်တွင် မိုးပျံပူဖောင်းများ ဘုရားများအပေါ်မှ ပျံသန်းသွားသည့် မြင်ကွင်းမှာ အလွန်လှပသည်။ ခရီးသည်များသည် စက်ဘီး သို့မဟုတ် လျှပ်စစ်ဆိုင်ကယ်ဖြင့် ဘုရားတစ်ဆူမှ တစ်ဆူသို့ သွားရောက်ကြသည်။
ပုဂံသို့ သွားရန် အကောင်းဆုံးအချိန်မှာ နိုဝင်ဘာလမှ ဖေဖော်ဝါရီလအထိ ဖြစ်သည်။
""")
_t("zho_Hans", "cooking", """
西红柿炒鸡蛋大概是中国家庭里最常见的一道家常菜，几乎每个人学做饭时最先学会的就是它。做法虽然简单，但想炒得好吃，也有一些小窍门。
首先把西红柿洗干净，切成小块；鸡蛋打散，加一点盐和几滴清水，这样炒出来的鸡蛋会更嫩。锅里多放一些油，油热后倒入蛋液，等鸡蛋稍微凝固就用铲子轻轻推散，炒到七八成熟时盛出来备用。
锅里再加一点油，放入葱花炒香，然后下西红柿翻炒，直到西红柿出汁变软。这时加入适量的盐和一小勺白糖，糖可以中和西红柿的酸味。最后把炒好的鸡蛋倒回锅里，翻炒均匀，撒上葱花就可以出锅了。
这道菜颜色鲜艳，酸甜可口，配米饭或者拌面条都非常合适。有的人喜欢汤汁多一些，可以在炒西红柿时加少许清水，用来泡饭特别香。
""")
_t("zho_Hans", "local-news", """
本市今年将在老城区新建十二个社区图书馆，预计年底前全部向市民开放。这是市政府今年公布的民生实事项目之一，目的是让居民在家门口就能借书、看书。
据市文化局介绍，这些图书馆大多利用闲置的街道办公用房和旧厂房改建而成，每个馆的面积在两百到五百平方米之间，藏书不少于一万册。除了普通阅览区以外，馆内还将设置儿童绘本区和老年人阅读区，并提供免费无线网络。
图书馆将与市图书馆实行通借通还，读者可以在任何一个馆借书，再到其他馆归还。开放时间也会延长到晚上九点，方便上班族下班后来看书。
不少居民表示，过去去市图书馆要坐一个小时的公交车，现在走几分钟就能到，周末可以带孩子一起去看书了。
""")
_t("zho_Hans", "science", """
为什么秋天的树叶会变黄、变红？很多人以为是天气变冷把叶子冻坏了，其实这是植物为过冬做的准备。
树叶之所以是绿色的，是因为里面含有大量的叶绿素。叶绿素能够吸收阳光，帮助植物进行光合作用，制造养分。其实叶子里还有胡萝卜素和叶黄素等黄色、橙色的色素，只是在夏天被大量的绿色盖住了，我们看不出来。
到了秋天，白天变短，气温下降，树木开始停止制造叶绿素，原来的叶绿素也慢慢分解。这时黄色和橙色的色素就显露出来了。有些树，比如枫树，还会在叶子里产生花青素，所以叶子会变成鲜艳的红色。
等到叶柄和树枝之间长出一层隔离的细胞，叶子就会脱落。落叶可以减少树木在冬天的水分流失，帮助它们安全过冬。
""")
_t("zho_Hans", "travel", """
去年国庆假期，我们一家人去了一趟桂林，至今还常常想起那里的山水。从桂林坐船沿着漓江一路南下到阳朔，大约需要四个小时，沿途的风景就像一幅慢慢展开的山水画。
江水清澈见底，两岸是一座座形状奇特的石山，有的像骆驼，有的像笔架，导游一边讲故事一边让我们猜山的名字。船经过九马画山的时候，大家都挤到船头拍照。二十元人民币背面的图案，就是在这一段江面上取的景。
到了阳朔以后，我们租了自行车，沿着遇龙河骑了一个下午。田野里种着稻子，路边有卖水果的小摊，累了就停下来喝一杯当地的擂茶。晚上的西街非常热闹，到处是小吃店和酒吧。
如果你也想去，建议避开节假日，人会少很多，住宿也便宜不少。
""")
_t("zho_Hant", "cooking", """
滷肉飯是臺灣最具代表性的平民美食之一，從街邊的小吃攤到高級餐廳都能吃到。一碗熱騰騰的白飯淋上香濃的滷汁和肉燥，再配上一顆滷蛋和幾片醃黃蘿蔔，就是許多臺灣人心中最溫暖的味道。
製作滷肉飯最重要的是選用帶皮的五花肉，切成小丁後先用小火把油脂煸出來，再加入紅蔥頭酥一起拌炒。接著倒入醬油、冰糖、米酒和清水，放入八角和白胡椒粉，以小火慢慢燉煮一個多小時，直到肉變得軟爛、滷汁變得濃稠。
很多老店的滷汁都是每天加新料、持續熬煮，味道因此格外有層次。吃的時候記得把滷汁和白飯拌勻，再配一碗清爽的蛤蜊湯，就是一頓簡單又滿足的午餐。
""")
_t("zho_Hant", "local-news", """
市政府日前宣布，明年起將在市區主要道路增設三十公里的自行車專用道，並在捷運站周邊加設公共自行車租借站。交通局表示，這項計畫的目的是鼓勵市民以自行車代替機車和汽車，減少塞車與空氣污染。
根據規劃，新的自行車道將與人行道分開，並以不同顏色的鋪面標示，讓騎乘者和行人都更加安全。部分路段也會調整路邊停車格的位置，以便騰出空間。
不少通勤族對此表示歡迎，認為過去騎車上班常常要和汽車搶道，十分危險。不過也有商家擔心停車位減少會影響生意，市政府承諾將在施工前舉辦說明會，聽取居民與商家的意見。
""")
_t("zho_Hant", "travel", """
九份是位於臺灣東北角的一座山城，過去因為開採金礦而繁榮一時。礦業沒落之後，這裡曾經冷清了很長一段時間，直到電影在此取景，才又吸引了大批遊客前來。
沿著狹窄的基山街往上走，兩旁都是賣芋圓、草仔粿和魚丸湯的小吃店。走到豎崎路，可以看到一級級石階兩旁掛滿紅色燈籠的老茶樓，傍晚燈籠亮起時特別有氣氛。找一間靠窗的茶館坐下來，一邊喝茶，一邊欣賞山下的海景，是許多遊客最喜歡的行程。
九份經常下雨，出門前最好帶把傘。假日人潮非常多，如果想要悠閒地逛，建議平日前往，或者在這裡住上一晚。
""")
_t("yue_Hant", "cooking", """
講到香港嘅街頭小食，好多人第一時間諗到嘅就係雞蛋仔。一底熱辣辣、金黃色嘅雞蛋仔，外面脆卜卜，入面軟熟，食落仲有陣蛋香，真係好難抗拒。
以前啲小販用炭爐同鐵模慢慢烘，而家大部分舖頭都轉咗用電爐，不過老街坊話炭爐烘出嚟嘅始終香啲。麵糊主要用雞蛋、糖、麵粉同淡奶，攪勻之後倒落燒熱咗嘅模入面，反轉幾次，大概兩三分鐘就得。
近年好多店舖仲加咗唔同口味，例如朱古力、抹茶、芝士，甚至有人將雞蛋仔捲住雪糕同生果一齊賣。不過我自己最鍾意都係原味，趁熱一路行一路食，先至係最正宗嘅食法。
""")
_t("yue_Hant", "local-news", """
區議會今日宣佈，屋邨附近嘅舊街市會喺明年初開始翻新，工程大概要一年先完成。街市啲檔主之前已經反映咗好多次，話冷氣唔夠凍、地下成日濕晒，客人都唔想入嚟買嘢。
根據計劃，翻新之後街市會有新嘅冷氣同排水系統，亦會加裝升降機，方便老人家同推住BB車嘅街坊。施工期間，檔主會暫時搬去對面停車場嘅臨時街市繼續做生意。
有街坊話，佢哋喺度買咗幾十年餸，好希望翻新之後啲價錢唔好加得太多。亦有檔主擔心搬去臨時街市會冇咁多客，希望政府可以幫手宣傳，等大家知道佢哋搬咗去邊度。
""")
_t("yue_Hant", "travel", """
如果你嚟香港得一日時間，我會建議你早上先去大澳。大澳係大嶼山西邊嘅一條漁村，仲保留住好多棚屋，啲屋企直接起喺水上面，同市區嘅高樓大廈完全唔同。
去到可以坐艇出海，好彩嘅話仲會見到中華白海豚。行下條街，試吓蝦醬、鹹魚同埋炭燒雞蛋仔，好多遊客都會買啲海味返去做手信。不過記住帶定現金，有啲老舖頭未必收得信用卡。
下晝可以坐巴士去昂坪睇天壇大佛，再坐纜車落東涌。纜車全程大約二十五分鐘，天氣好嘅時候可以睇到成個機場同海景，真係好值得。如果見到排隊排得好長，可以考慮買水晶車廂，冇咁多人等。
""")
_t("jpn_Jpan", "cooking", """
肉じゃがは、日本の家庭料理の代表ともいえる煮物です。牛肉や豚肉、じゃがいも、玉ねぎ、にんじんをしょうゆと砂糖、みりんで甘辛く煮込んだもので、「おふくろの味」と呼ばれることもあります。
まず、じゃがいもとにんじんを食べやすい大きさに切り、じゃがいもは水にさらしておきます。鍋に油をひいて肉を炒め、色が変わったら野菜を加えて全体に油がまわるまで炒めます。そこにだし汁を注ぎ、砂糖とみりんを入れて落としぶたをし、中火で十分ほど煮ます。
最後にしょうゆを加えて、じゃがいもがやわらかくなるまでさらに煮込みます。火を止めてしばらく置いておくと、味がよくしみておいしくなります。翌日のほうがおいしいという人も少なくありません。
""")
_t("jpn_Jpan", "local-news", """
市は今月から、駅前の商店街で毎週土曜日に朝市を開くと発表しました。地元の農家が育てた野菜や果物、手作りのパンや漬物などが並び、初日には開始前から多くの人が列を作りました。
商店街では近年、空き店舗が増えて人通りが少なくなっていたため、市と商店会が協力して、にぎわいを取り戻そうと企画しました。朝市は午前七時から十一時まで開かれ、子ども向けのスタンプラリーや、料理教室なども予定されています。
買い物に来た七十代の女性は「新鮮な野菜が安く買えてうれしい。毎週来たい」と話していました。市の担当者は、今後は出店者を増やし、夏には夜市も開きたいとしています。
""")
_t("jpn_Jpan", "science", """
夏の夕方、突然激しい雨が降ってくることがあります。いわゆる「ゲリラ豪雨」と呼ばれる現象で、近年、都市部で多く見られるようになりました。
晴れた日に地面が強く温められると、その上の空気も暖まって軽くなり、上昇していきます。上空は気温が低いため、空気に含まれていた水蒸気が冷やされて水滴になり、大きな積乱雲が生まれます。積乱雲はわずか数十分で発達し、狭い範囲に短時間で大量の雨を降らせます。
都市では、アスファルトや建物が熱をため込み、エアコンの排熱も加わるため、気温が上がりやすくなります。これがゲリラ豪雨が増えている原因の一つと考えられています。空が急に暗くなったり、冷たい風が吹いてきたりしたら、早めに建物の中に避難しましょう。
""")
_t("jpn_Jpan", "travel", """
京都を訪れるなら、朝早い時間の散歩をおすすめします。観光客が増える前の静かな寺や神社は、昼間とはまったく違う雰囲気を見せてくれます。
特に伏見稲荷大社の千本鳥居は、朝の七時ごろに行くと人が少なく、朱色の鳥居がどこまでも続く様子をゆっくり楽しむことができます。山の上まで登ると二時間ほどかかりますが、途中の休憩所からは京都の町を見渡すことができます。
散歩のあとは、錦市場で食べ歩きをしたり、町家を改装したカフェで一休みしたりするのもいいでしょう。春の桜と秋の紅葉の季節はとても混雑するので、宿は早めに予約してください。
""")
_t("kor_Hang", "cooking", """
김치찌개는 한국 사람들이 가장 즐겨 먹는 찌개 중 하나입니다. 잘 익은 김치만 있으면 누구나 쉽게 만들 수 있어서 자취생들에게도 인기가 많습니다.
먼저 냄비에 기름을 조금 두르고 돼지고기를 볶다가, 고기가 익으면 먹기 좋게 썬 김치를 넣고 함께 볶습니다. 김치가 부드러워지면 물이나 멸치 육수를 붓고 고춧가루와 다진 마늘을 넣어 끓입니다. 김치가 너무 시면 설탕을 조금 넣으면 맛이 부드러워집니다.
마지막으로 두부와 대파를 넣고 한소끔 더 끓이면 완성입니다. 뜨거운 밥과 함께 먹으면 추운 겨울에 몸이 금방 따뜻해집니다.
""")
_t("kor_Hang", "local-news", """
시는 다음 달부터 구도심 골목길에 가로등 이백여 개를 새로 설치한다고 밝혔습니다. 밤늦게 귀가하는 주민들의 안전을 지키기 위한 조치입니다.
그동안 이 지역 주민들은 골목이 어두워서 밤에 다니기 무섭다는 민원을 여러 차례 제기해 왔습니다. 시는 가로등과 함께 방범 카메라와 비상벨도 설치하고, 낡은 담벼락에는 벽화를 그려 분위기를 밝게 바꿀 계획입니다.
공사는 약 석 달 동안 진행되며, 공사 기간에는 일부 도로의 통행이 제한될 수 있습니다. 시 관계자는 주민들의 양해를 부탁했습니다.
""")
_t("kor_Hang", "science", """
겨울에 문손잡이를 잡으면 왜 찌릿하고 정전기가 생길까요? 정전기는 두 물체가 서로 마찰할 때 한쪽의 전자가 다른 쪽으로 옮겨 가면서 생깁니다.
우리가 옷을 입고 움직이면 옷과 몸 사이에서 계속 마찰이 일어나고, 몸에 전기가 쌓이게 됩니다. 그러다가 금속으로 된 문손잡이처럼 전기가 잘 통하는 물체에 손을 대면, 쌓여 있던 전기가 한꺼번에 빠져나가면서 따끔한 느낌이 드는 것입니다.
여름보다 겨울에 정전기가 더 많이 생기는 이유는 공기가 건조하기 때문입니다. 공기 중에 수분이 많으면 전기가 자연스럽게 빠져나가지만, 건조하면 몸에 계속 쌓입니다. 가습기를 틀거나 보습제를 바르면 정전기를 줄일 수 있습니다.
""")
_t("kor_Hang", "travel", """
제주도는 한국 사람들이 가장 가고 싶어 하는 여행지 중 하나입니다. 섬 곳곳에 아름다운 해변과 오름, 그리고 돌담길이 있어 어디를 가도 사진을 찍고 싶어집니다.
한라산에 오르려면 새벽에 일찍 출발하는 것이 좋습니다. 정상까지 다녀오는 데 여덟 시간 이상 걸리기 때문에 편한 등산화와 충분한 물을 준비해야 합니다. 등산이 부담스럽다면 바닷가를 따라 걷는 올레길을 추천합니다.
여행 중에는 흑돼지 구이와 해산물, 그리고 귤을 꼭 맛보세요. 바람이 많이 부는 섬이라 가벼운 겉옷을 챙겨 가는 것도 잊지 마세요.
""")


# ---------------------------------------------------------------------------
# Building the corpus from the texts.
# ---------------------------------------------------------------------------

FILES = {
    "europe": "corpus/web_europe.jsonl",
    "world": "corpus/web_world.jsonl",
    "south_asia": "corpus/web_south_asia.jsonl.gz",
    "east_asia": "corpus/web_east_asia.jsonl.zst",
    "middle_east": "corpus/web_middle_east.parquet",
    "mixed": "corpus/crawl_mixed.jsonl",
}
"""Output files, relative to ``examples/``; every reader gets one (plain text files are added below)."""

_FILE_OF_LANG = {
    **dict.fromkeys(["tur_Latn", "ind_Latn", "vie_Latn", "swh_Latn", "tgl_Latn", "tha_Thai", "khm_Khmr", "mya_Mymr"], "world"),
    **dict.fromkeys(["hin_Deva", "mar_Deva", "npi_Deva", "ben_Beng", "tam_Taml", "tel_Telu", "urd_Arab"], "south_asia"),
    **dict.fromkeys(["zho_Hans", "zho_Hant", "yue_Hant", "jpn_Jpan", "kor_Hang"], "east_asia"),
    **dict.fromkeys(["arb_Arab", "pes_Arab", "heb_Hebr", "kat_Geor", "hye_Armn"], "middle_east"),
}
"""Languages not listed here go to ``europe`` (Latin, Cyrillic and Greek)."""

TEXT_FILES = {"eng_Latn-05": "corpus/travel_eng.txt", "spa_Latn-04": "corpus/science_spa.txt", "tur_Latn-03": "corpus/travel_tur.txt"}
"""Good documents written as plain-text files (one document per file, so they have no id field)."""

_TLD = {"eng": "com", "fra": "fr", "deu": "de", "spa": "es", "por": "pt", "ita": "it", "rus": "ru", "jpn": "jp", "zho": "cn"}

# Exact duplicates: (new id or None for no id field, id of the original, variant, file key).
EXACT_DUPS = [
    ("mirror-0001", "eng_Latn-02", "identical", "mixed"),
    ("mirror-0002", "fra_Latn-01", "whitespace", "mixed"),
    ("mirror-0003", "deu_Latn-03", "lowercase", "mixed"),
    ("mirror-0004", "eng_Latn-04", "uppercase", "mixed"),
    ("mirror-0005", "zho_Hans-02", "identical", "mixed"),
    ("mirror-0006", "jpn_Jpan-01", "whitespace", "mixed"),
    ("mirror-0007", "vie_Latn-01", "nfd", "mixed"),
    ("mirror-0008", "spa_Latn-02", "identical", "mixed"),
    (None, "spa_Latn-02", "whitespace", "mixed"),
    (None, "yue_Hant-01", "identical", "mixed"),
    ("mirror-0009", "rus_Cyrl-03", "identical", "south_asia"),
    ("mirror-0010", "arb_Arab-01", "identical", "south_asia"),
    ("mirror-0011", "hin_Deva-01", "identical", "middle_east"),
    ("mirror-0012", "kor_Hang-02", "whitespace", "east_asia"),
]

_HEADERS = {
    "eng_Latn": ("Home > News > Local", "Share this article on social media. Copyright 2024 Example Daily. All rights reserved."),
    "deu_Latn": ("Startseite > Lokales", "Diesen Artikel teilen. Alle Rechte vorbehalten."),
    "rus_Cyrl": ("Главная > Новости", "Поделиться в соцсетях. Все права защищены."),
    "ita_Latn": ("Home > Cultura", "Condividi questo articolo. Tutti i diritti riservati."),
    "zho_Hans": ("首页 > 本地新闻", "分享到朋友圈。版权所有，未经许可不得转载。"),
    "arb_Arab": ("الرئيسية > أخبار محلية", "شارك هذا المقال. جميع الحقوق محفوظة."),
}

# Near duplicates: (new id or None, id of the original, variant, replacement sentence or None, file key).
# ``sentence_changed`` replaces the original's second sentence; ``header_footer`` adds the boilerplate above.
NEAR_DUPS = [
    ("repost-0001", "eng_Latn-01", "sentence_changed", "The starter is simply flour and water kept on the counter, fed every day until it smells pleasantly sour and doubles in size a few hours after each feeding.", "mixed"),
    ("repost-0002", "eng_Latn-02", "header_footer", None, "mixed"),
    ("repost-0003", "fra_Latn-02", "sentence_changed", "Très vite, des marchands se sont installés autour du pont, et un grand marché s'y tenait chaque samedi dès le treizième siècle.", "mixed"),
    ("repost-0004", "deu_Latn-02", "header_footer", None, "mixed"),
    ("repost-0005", "spa_Latn-02", "sentence_changed", "La reforma ha costado casi tres millones y medio de euros y ha incluido un tejado nuevo, instalaciones eléctricas modernas y una pequeña zona de restauración.", "mixed"),
    (None, "rus_Cyrl-02", "header_footer", None, "mixed"),
    ("repost-0006", "ita_Latn-02", "header_footer", None, "mixed"),
    ("repost-0007", "zho_Hans-02", "header_footer", None, "mixed"),
    ("repost-0008", "zho_Hans-03", "sentence_changed", "树叶之所以是绿色的，是因为叶片里含有大量的叶绿素。", "east_asia"),
    ("repost-0009", "arb_Arab-02", "header_footer", None, "middle_east"),
]

_NAV = "Home\nAbout us\nProducts\nServices\nBlog\nCareers\nContact\nPrivacy policy\nTerms of use\nSitemap\nLogin\nRegister"

# Junk of the kinds the filters target: (id or None, junk kind, language or None, text or a recipe, file key).
# Texts starting with "@shuffle:" are the named good document with its words shuffled (seeded).
JUNK = [
    ("spam-0001", "keyword_spam", "eng_Latn", " ".join(["cheap flights"] * 12 + ["best price cheap hotels cheap flights deals"] * 8 + ["book now cheap cheap cheap"] * 5) + ".", "mixed"),
    ("spam-0002", "keyword_spam", "rus_Cyrl", " ".join(["купить айфон дешево"] * 15 + ["айфон купить доставка"] * 10) + ".", "mixed"),
    ("spam-0003", "keyword_spam", "ind_Latn", " ".join(["jual obat murah", "obat murah asli", "jual murah"] * 12), "world"),
    ("spam-0004", "repeated_lines", "eng_Latn", "\n".join(["Click here to subscribe to our newsletter and never miss an update!"] * 30), "mixed"),
    ("spam-0005", "repeated_lines", "spa_Latn", "\n".join(["¡Oferta especial solo por hoy! Envío gratis en todos los pedidos."] * 20 + ["Compra ya."] * 10), "mixed"),
    ("spam-0006", "lorem_ipsum", None, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.\nDuis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.\nLorem ipsum dolor sit amet, consectetur adipiscing elit. Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium.", "mixed"),
    (None, "lorem_ipsum", None, "Lorem ipsum dolor sit amet. Lorem ipsum dolor sit amet. Lorem ipsum dolor sit amet.\nPlaceholder text: replace this paragraph with your own content. Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "mixed"),
    ("spam-0007", "navigation_menu", "eng_Latn", _NAV + "\n" + _NAV.replace("\n", " | "), "mixed"),
    ("spam-0008", "navigation_menu", "deu_Latn", "Startseite\nÜber uns\nProdukte\nLeistungen\nAktuelles\nKarriere\nKontakt\nImpressum\nDatenschutz\nAGB\nAnmelden\nWarenkorb (0)\nSuche", "europe"),
    ("spam-0009", "too_short", "eng_Latn", "Thanks for reading!", "mixed"),
    ("spam-0010", "too_short", "zho_Hans", "页面未找到。", "mixed"),
    (None, "too_short", "fra_Latn", "Lire la suite", "mixed"),
    ("spam-0011", "bullet_list", "eng_Latn", "Features:\n- Free shipping\n- 30-day returns\n- Secure checkout\n- 24/7 support\n- Gift wrapping\n- Loyalty points\n- Price match\n- Student discount\n- Express delivery\n- Easy tracking", "mixed"),
    ("spam-0012", "bullet_list", "por_Latn", "• Frete grátis\n• Parcelamento sem juros\n• Troca fácil\n• Entrega rápida\n• Garantia de um ano\n• Atendimento online\n• Cupom de desconto\n• Pagamento seguro", "mixed"),
    ("spam-0013", "symbols", None, "#sale #deal #discount #shopping #fashion #style #ootd #love #instagood #follow #like4like #bestseller $$$ $$$ *** >>> <<< ### @@@ !!! ??? %%% ^^^ &&& ~~~ === +++ ||| ### $$$ *** >>> <<< @@@", "mixed"),
    ("spam-0014", "symbols", "eng_Latn", "WIN $$$ NOW!!! >>> http://example.net/?id=1&ref=2&x=3 <<< *** 100% FREE *** ### CLICK ### {{{ }}} [[[ ]]] /// \\\\\\ ||| ~~~ ^^^ %%% @@@ +++ === --- ___ ::: ;;; ''' \"\"\"", "mixed"),
    ("spam-0015", "shuffled_words", "eng_Latn", "@shuffle:eng_Latn-03", "mixed"),
    ("spam-0016", "shuffled_words", "fra_Latn", "@shuffle:fra_Latn-03", "mixed"),
    ("spam-0017", "boilerplate", "eng_Latn", "We use cookies to improve your experience\nAccept all cookies\nManage preferences\nReject non-essential cookies\nCookie policy\nPowered by ExampleCMS\nAll rights reserved", "mixed"),
    ("spam-0018", "empty", None, "   \n\t\n  ", "mixed"),
]


def doc_ids() -> list[str]:
    """Ids of the good texts, ``<lang>-<nn>`` numbered per language from 01, in order."""
    seen: dict[str, int] = {}
    ids = []
    for sample in TEXTS:
        seen[sample.lang] = seen.get(sample.lang, 0) + 1
        ids.append(f"{sample.lang}-{seen[sample.lang]:02d}")
    return ids


def shingles(text: str, lang: str, n: int = 5) -> tuple[set[tuple[str, ...]], str]:
    """Word ``n``-grams (lower-cased) for space-delimited languages, character ``n``-grams otherwise.

    Returns the shingle set and its kind (``word5`` or ``char5``); this is the
    measure the near-duplicate labels promise (Jaccard > 0.8).
    """
    if lang.split("_")[1] in {"Hans", "Hant", "Jpan", "Thai", "Khmr", "Mymr", "Laoo"}:
        chars = re.sub(r"\s+", "", text)
        return {tuple(chars[i : i + n]) for i in range(max(1, len(chars) - n + 1))}, f"char{n}"
    words = text.lower().split()
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}, f"word{n}"


def jaccard(a: set, b: set) -> float:
    """Jaccard similarity of two sets (1.0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _variant(text: str, variant: str) -> str:
    """An exact duplicate of ``text`` that differs only in what normalisation removes."""
    if variant == "identical":
        return text
    if variant == "whitespace":
        # Doubled spaces, CRLF line ends, blank lines and trailing blanks.
        return "  " + text.replace(". ", ".  ").replace("\n", " \r\n\r\n") + "\n\t"
    if variant == "lowercase":
        return text.lower()
    if variant == "uppercase":
        # Only for texts whose upper-casing lower-cases back (not German ß, Greek final sigma, Turkish i).
        return text.upper()
    if variant == "nfd":
        return unicodedata.normalize("NFD", text)
    raise ValueError(f"unknown duplicate variant {variant!r}")


def _sentence_changed(text: str, replacement: str) -> str:
    """``text`` with its second sentence replaced by ``replacement``."""
    sentences = re.split(r"(?<=[.!?])\s+|(?<=[。！？])", text, maxsplit=2)
    if len(sentences) < 3:
        raise ValueError("a near-duplicate source needs at least three sentences")
    first, _, rest = sentences
    sep = "" if first.endswith(("。", "！", "？")) else " "
    return f"{first}{sep}{replacement}{sep}{rest}"


def _url(doc_id: str, topic: str) -> str:
    iso = doc_id.split("_")[0]
    return f"https://{topic}.example.{_TLD.get(iso, 'org')}/{iso}/{doc_id.split('-')[-1]}.html"


def build(seed: int = SEED) -> tuple[dict[str, list[dict]], dict[str, str], dict]:
    """Build the corpus in memory.

    Returns ``(records by file, plain-text files, labels)``: records are dicts
    with ``id`` (absent for some), ``text`` and ``url``; labels map each
    document's id, or ``<file>#<position>`` when it has none, to what it is.
    """
    rng = random.Random(seed)
    ids = doc_ids()
    by_id = {doc_id: sample for doc_id, sample in zip(ids, TEXTS, strict=True)}
    files: dict[str, list[dict]] = {key: [] for key in FILES}
    texts: dict[str, str] = {}
    labels: dict[str, dict] = {}

    def add(key: str, doc_id: str | None, text: str, url: str | None, label: dict) -> None:
        record: dict = {} if doc_id is None else {"id": doc_id}
        record["text"] = text
        if url is not None:
            record["url"] = url
        if key == "mixed":
            record["crawl_date"] = f"2024-05-{1 + len(files[key]) % 28:02d}"
        position = len(files[key])
        files[key].append(record)
        labels[doc_id or f"{FILES[key]}#{position}"] = {"id": doc_id, "file": FILES[key], "position": position, **label}

    for doc_id, sample in by_id.items():
        label = {"kind": "good", "lang": sample.lang, "topic": sample.topic}
        if doc_id in TEXT_FILES:
            path = TEXT_FILES[doc_id]
            texts[path] = sample.text + "\n"
            labels[f"{path}#0"] = {"id": None, "file": path, "position": 0, "written_as": doc_id, **label}
            continue
        add(_FILE_OF_LANG.get(sample.lang, "europe"), doc_id, sample.text, _url(doc_id, sample.topic), label)

    for new_id, of, variant, key in EXACT_DUPS:
        sample = by_id[of]
        add(key, new_id, _variant(sample.text, variant), f"https://mirror.example.net/{of}",
            {"kind": "exact_dup", "of": of, "variant": variant, "lang": sample.lang})

    for new_id, of, variant, replacement, key in NEAR_DUPS:
        sample = by_id[of]
        if variant == "sentence_changed":
            text = _sentence_changed(sample.text, replacement)
        else:
            header, footer = _HEADERS[sample.lang]
            text = f"{header}\n{sample.text}\n{footer}"
        original, kind = shingles(sample.text, sample.lang)
        similarity = jaccard(original, shingles(text, sample.lang)[0])
        if not 0.8 < similarity < 1.0:
            raise ValueError(f"near duplicate of {of} has {kind} Jaccard {similarity:.3f}, outside (0.8, 1)")
        add(key, new_id, text, f"https://repost.example.net/{of}",
            {"kind": "near_dup", "of": of, "variant": variant, "lang": sample.lang,
             "jaccard": round(similarity, 4), "shingles": kind})

    for new_id, junk, lang, text, key in JUNK:
        if text.startswith("@shuffle:"):
            words = by_id[text.removeprefix("@shuffle:")].text.split()
            rng.shuffle(words)
            text = "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
        add(key, new_id, text, None, {"kind": "junk", "junk": junk, "lang": lang})
    return files, texts, labels


def corrupt_records() -> tuple[bytes, list[dict]]:
    """The bytes of ``corrupt/bad.jsonl`` and, per line, what a reader must do with it."""
    good = "Bad input must never stop a run. This line is a valid record among broken ones, and the reader keeps it while it sends every other line of this file to the rejected output with its position and error."
    lines: list[tuple[bytes, str]] = [
        (json.dumps({"id": "corrupt-ok-1", "text": good}).encode(), "ok"),
        (b'{"id": "corrupt-bad-json", "text": "This line was cut off in the middle', "invalid_json"),
        (json.dumps({"id": "corrupt-no-text", "url": "https://example.org/x"}).encode(), "missing_text"),
        (json.dumps({"id": "corrupt-text-number", "text": 12345}).encode(), "text_not_string"),
        (json.dumps({"id": "corrupt-text-null", "text": None}).encode(), "text_not_string"),
        (b'{"id": "corrupt-bad-utf8", "text": "caf\xe9 au lait \xff\xfe is not UTF-8"}', "invalid_utf8"),
        (b"[1, 2, 3]", "not_an_object"),
        (json.dumps({"id": "corrupt-ok-2", "text": good.replace("valid record", "second valid record")}).encode(), "ok"),
    ]
    data = b"".join(line + b"\n" for line, _ in lines)
    return data, [{"line": i, "expect": expect} for i, (_, expect) in enumerate(lines)]


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    # mtime=0 and no file name in the header keep the bytes reproducible.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def _parquet(records: list[dict]) -> bytes:
    table = pa.table({
        "id": pa.array([r.get("id") for r in records], pa.string()),
        "text": pa.array([r["text"] for r in records], pa.string()),
        "url": pa.array([r.get("url") for r in records], pa.string()),
    })
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", row_group_size=16)
    return buf.getvalue()


def render(seed: int = SEED) -> dict[str, bytes]:
    """Every output file's bytes by path relative to ``examples/``."""
    files, texts, labels = build(seed)
    out: dict[str, bytes] = {}
    for key, path in FILES.items():
        data = _jsonl(files[key])
        if path.endswith(".gz"):
            out[path] = _gzip(data)
        elif path.endswith(".zst"):
            out[path] = zstandard.ZstdCompressor(level=19).compress(data)
        elif path.endswith(".parquet"):
            out[path] = _parquet(files[key])
        else:
            out[path] = data
    for path, text in texts.items():
        out[path] = text.encode("utf-8")
    bad, bad_labels = corrupt_records()
    out["corrupt/bad.jsonl"] = bad
    good_part = _gzip(_jsonl([{"id": "truncated-ok-1", "text": "This record decompresses fine."}] * 1))
    rest = _gzip(_jsonl([{"id": f"truncated-{i}", "text": "Lost after the cut. " * 20} for i in range(20)]))
    # A valid gzip member followed by one cut short: the reader keeps the first member's record and rejects
    # the cut member as one truncated_file (its one decoded line has no newline: it is the damaged tail).
    out["corrupt/truncated.jsonl.gz"] = good_part + rest[: len(rest) // 2]
    out["corpus_labels.json"] = (json.dumps({
        "about": "What each document of examples/corpus is meant to be; written by scripts/make_sample_corpus.py.",
        "exact_dedup_normalisation": "NFC, lower-case, whitespace runs collapsed to one space, stripped",
        "documents": labels,
        "corrupt": {"corrupt/bad.jsonl": bad_labels,
                    "corrupt/truncated.jsonl.gz": [{"record": 0, "expect": "ok"},
                                                    {"record": 1, "expect": "truncated_file"}]},
    }, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return out


def write(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Write every file under ``out_dir`` (normally ``examples/``); returns the paths written."""
    written = []
    for rel, data in render(seed).items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="directory to write into (default: examples/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = write(args.out)
    total = sum(p.stat().st_size for p in paths)
    LOG.info("wrote %d files, %d bytes, %d good texts in %d languages under %s",
             len(paths), total, len(TEXTS), len({t.lang for t in TEXTS}), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
