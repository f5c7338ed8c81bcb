"""Hand-written documents for the quality-filter tests: one good document per script, and bad-document makers.

Every good document is ordinary running prose (a short description of a river
town, written for these tests), one paragraph a line, long enough for Gopher's
50-word minimum in its script's segmentation.
"""

from __future__ import annotations

GOOD: dict[str, str] = {
    "eng_Latn": (
        "The river town of Millbrook has changed slowly over the past century. Its old mill, built from local "
        "stone in 1872, now houses a small museum and a café that opens early for the fishermen.\n"
        "Most visitors arrive in late spring, when the orchards along the valley road are in full bloom. They walk "
        "the towpath, stop at the lock keeper's cottage, and watch the narrow boats pass through the gates.\n"
        "The council has tried to balance tourism with the needs of people who live there all year. A new bus "
        "route links the town with the railway station, and the weekly market still sells bread, cheese and honey.\n"
        "Local historians say that the town survived because it adapted. When the mill closed, families turned to "
        "boat building; when that trade faded, they opened guest houses and workshops.\n"
        "Today the school has more pupils than it did ten years ago, which many residents see as the clearest sign "
        "that Millbrook has a future."
    ),
    "fra_Latn": (
        "La petite ville de Saint-Aubin se trouve au bord de la Loire, entre les vignes et les forêts. Chaque "
        "matin, les habitants vont au marché pour acheter du pain frais, du fromage et des légumes de saison.\n"
        "Au printemps, de nombreux touristes viennent visiter le vieux château et se promener le long du fleuve. "
        "Le musée raconte l'histoire des bateliers qui transportaient le vin jusqu'à Nantes.\n"
        "Depuis quelques années, la commune a beaucoup changé : une nouvelle école a ouvert ses portes et la "
        "bibliothèque a été rénovée. Beaucoup de jeunes familles ont décidé de rester parce que la vie y est calme.\n"
        "Les anciens se souviennent qu'il y avait autrefois peu de travail et que les jeunes partaient pour Paris."
    ),
    "rus_Cyrl": (
        "Небольшой город на берегу Волги живёт размеренной жизнью. Утром жители идут на рынок, где продают свежий "
        "хлеб, молоко и овощи с окрестных ферм.\n"
        "Летом сюда приезжают туристы, чтобы посмотреть на старинные церкви и прогуляться по набережной. Местный "
        "музей рассказывает об истории купцов, которые построили здесь первые каменные дома.\n"
        "В последние годы город изменился: открылась новая школа, отремонтировали библиотеку и проложили "
        "велосипедные дорожки. Многие молодые семьи решили остаться, потому что здесь спокойно и недорого.\n"
        "Старожилы вспоминают, что раньше работы было мало и люди уезжали в Москву. Теперь же небольшие мастерские "
        "и кафе дают людям возможность зарабатывать дома.\n"
        "Администрация надеется, что новый мост через реку поможет развитию торговли и туризма в ближайшие годы."
    ),
    "arb_Arab": (
        "تقع المدينة الصغيرة على ضفاف النهر، ويعيش فيها الناس حياة هادئة منذ قرون طويلة. في الصباح يذهب السكان "
        "إلى السوق لشراء الخبز الطازج والخضروات من المزارع القريبة.\n"
        "في فصل الربيع يزور المدينة كثير من السياح الذين يرغبون في مشاهدة المساجد القديمة والتجول في الأزقة "
        "الضيقة. ويعرض المتحف المحلي تاريخ التجار الذين بنوا أول البيوت الحجرية هنا.\n"
        "تغيرت المدينة كثيرا في السنوات الأخيرة، فقد افتتحت مدرسة جديدة وتم ترميم المكتبة العامة. وقررت عائلات "
        "شابة كثيرة البقاء في المدينة لأن الحياة فيها هادئة وغير مكلفة.\n"
        "يتذكر كبار السن أن فرص العمل كانت قليلة في الماضي، وأن الشباب كانوا يسافرون إلى العاصمة. أما اليوم فإن "
        "الورش الصغيرة والمقاهي توفر للناس عملا قريبا من بيوتهم.\n"
        "وتأمل البلدية أن يساعد الجسر الجديد على تنمية التجارة والسياحة في السنوات القادمة."
    ),
    "hin_Deva": (
        "नदी के किनारे बसा यह छोटा शहर बहुत शांत है। सुबह लोग बाज़ार जाते हैं और पास के खेतों से ताज़ी सब्ज़ियाँ "
        "और दूध खरीदते हैं।\n"
        "सर्दियों में यहाँ बहुत से पर्यटक आते हैं जो पुराने मंदिरों को देखना चाहते हैं और घाटों पर घूमना पसंद करते "
        "हैं। स्थानीय संग्रहालय उन व्यापारियों का इतिहास बताता है जिन्होंने यहाँ पहले पक्के घर बनाए थे।\n"
        "पिछले कुछ वर्षों में शहर काफ़ी बदल गया है। एक नया विद्यालय खुला है, पुस्तकालय की मरम्मत हुई है और सड़कें "
        "चौड़ी की गई हैं।\n"
        "बुज़ुर्ग लोग याद करते हैं कि पहले यहाँ काम बहुत कम था और युवा दिल्ली चले जाते थे। अब छोटी कार्यशालाएँ और "
        "दुकानें लोगों को घर के पास ही रोज़गार देती हैं।\n"
        "नगर पालिका को उम्मीद है कि नदी पर बना नया पुल आने वाले वर्षों में व्यापार और पर्यटन को बढ़ाएगा।"
    ),
    "tha_Thai": (
        "เมืองเล็ก ๆ ริมแม่น้ำแห่งนี้มีชีวิตที่เงียบสงบมาเป็นเวลานาน ในตอนเช้าชาวบ้านจะไปตลาดเพื่อซื้อผักสดและผลไม้จากสวนใกล้เคียง\n"
        "ในช่วงฤดูหนาวมีนักท่องเที่ยวจำนวนมากเดินทางมาเที่ยวชมวัดเก่าและเดินเล่นริมแม่น้ำ "
        "พิพิธภัณฑ์ท้องถิ่นเล่าเรื่องราวของพ่อค้าที่สร้างบ้านไม้หลังแรกในเมืองนี้\n"
        "หลายปีที่ผ่านมาเมืองนี้เปลี่ยนแปลงไปมาก มีการเปิดโรงเรียนแห่งใหม่และซ่อมแซมห้องสมุดประชาชน "
        "ครอบครัวหนุ่มสาวหลายครอบครัวตัดสินใจอยู่ที่นี่เพราะค่าครองชีพไม่สูง\n"
        "ผู้สูงอายุเล่าว่าในอดีตงานมีน้อยและคนหนุ่มสาวต้องไปทำงานที่กรุงเทพ "
        "แต่ทุกวันนี้ร้านกาแฟและร้านค้าเล็ก ๆ ช่วยให้ผู้คนมีรายได้ใกล้บ้าน\n"
        "เทศบาลหวังว่าสะพานแห่งใหม่จะช่วยพัฒนาการค้าและการท่องเที่ยวในอนาคต"
    ),
    "zho_Hans": (
        "这座小城位于河边，几百年来人们一直过着平静的生活。每天早上，居民们去市场购买附近农场的新鲜蔬菜和水果。\n"
        "春天的时候，很多游客来这里参观古老的寺庙，在狭窄的街道上散步。当地的博物馆介绍了商人们的历史，他们在这里建造了第一批石头房子。\n"
        "最近几年，这座城市发生了很大的变化。新的学校开学了，公共图书馆也重新装修了。许多年轻的家庭决定留下来，因为这里的生活安静而且不贵。\n"
        "老人们回忆说，过去这里的工作机会很少，年轻人都去大城市打工。现在，小作坊和咖啡馆让人们在家附近就能找到工作。\n"
        "政府希望新建的大桥能够在未来几年促进贸易和旅游业的发展。"
    ),
    "jpn_Jpan": (
        "この小さな町は川のほとりにあり、人々は何百年も静かに暮らしてきました。毎朝、住民は市場に行き、近くの農家から新鮮な野菜や果物を買います。\n"
        "春になると、多くの観光客が古いお寺を見たり、細い路地を散歩したりするためにこの町を訪れます。地元の博物館では、最初の石造りの家を建てた商人たちの歴史を紹介しています。\n"
        "ここ数年で町は大きく変わりました。新しい学校が開校し、図書館も改装されました。生活が静かで物価も安いので、多くの若い家族がこの町に残ることを決めました。\n"
        "お年寄りによると、昔は仕事が少なく、若者は東京へ働きに出ていたそうです。今では小さな工房やカフェのおかげで、家の近くで働くことができます。\n"
        "町役場は、新しい橋が今後の商業と観光の発展に役立つことを期待しています。"
    ),
}
"""A good document per language; languages cover Latin, Cyrillic, Arabic, Devanagari, Thai, Han and Japanese."""

LANGS = sorted(GOOD)


def first_sentence(lang: str) -> str:
    """A too-short document: the first line cut at its first sentence end."""
    line = GOOD[lang].split("\n")[0]
    for stop in (". ", "। ", "。", "、", " "):
        if stop in line:
            return line.split(stop)[0] + stop.strip()
    return line


def repeated_paragraphs(lang: str, times: int = 4) -> str:
    """The good document's first line as a paragraph repeated ``times`` times, blank lines between."""
    return "\n\n".join([GOOD[lang].split("\n")[0]] * times)


def bulleted(lang: str) -> str:
    """Every line of the good document as a bullet item."""
    return "\n".join(f"• {line}" for line in GOOD[lang].split("\n"))


def ellipsis_lines(lang: str) -> str:
    """Every line of the good document trailing off with an ellipsis."""
    return "\n".join(f"{line}…" for line in GOOD[lang].split("\n"))


def one_word_lines(lang: str, words: list[str]) -> str:
    """A menu-like page: one word a line."""
    return "\n".join(words)
