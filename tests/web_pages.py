"""Article texts in several languages and the charsets their pages are served in, for the web-input tests.

Each page is encoded by the test itself and declares its charset in the HTTP header, in a ``<meta>`` tag,
or nowhere (then detection has to find it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    name: str
    lang: str
    charset: str
    """Python codec the page's bytes are written in."""
    declared: str
    """``http``, ``meta`` or ``none``: where the page says its charset."""
    label: str
    """The charset label the page uses (what a server would send)."""
    paragraphs: tuple[str, ...]


ARTICLES = (
    Article(
        "eng",
        "en",
        "utf-8",
        "http",
        "utf-8",
        (
            "The river flooded the lower town after three days of heavy rain. Families moved their furniture "
            "upstairs, tied their boats to the garden fences and waited for the water to fall again.",
            "By Sunday morning the streets were dry, although the mud reached the windows of many shops. "
            "Volunteers from the neighbouring villages arrived with shovels, bread and hot coffee.",
            "The mayor promised that the old dam above the town would be repaired before the autumn storms, "
            "and that every family who lost a car or a cellar would receive help from the council.",
        ),
    ),
    Article(
        "rus",
        "ru",
        "cp1251",
        "http",
        "windows-1251",
        (
            "Вчера в нашем городе открылась новая библиотека. В ней много книг для детей и взрослых, удобные "
            "кресла у окон и большой зал, где по субботам проходят встречи с писателями.",
            "Директор библиотеки рассказала, что здание строили почти три года. Деньги на ремонт собирали "
            "жители района, а местные художники расписали стены в детском отделе.",
            "Читатели могут брать домой до десяти книг сразу, а по вечерам в читальном зале работают "
            "бесплатные курсы английского языка и компьютерной грамотности для пожилых людей.",
        ),
    ),
    Article(
        "jpn",
        "ja",
        "shift_jis",
        "meta",
        "Shift_JIS",
        (
            "昨日は朝から雨が降っていましたが、午後には晴れてきました。駅の近くの公園では子どもたちが元気に遊んで"
            "いて、私は友だちと一緒にベンチに座ってコーヒーを飲みながら話をしました。",
            "公園の池には新しく橋がかけられ、週末になると多くの家族が散歩に訪れます。市の担当者によると、来年の春"
            "までに桜の木をさらに百本植える計画があるそうです。",
            "夕方になると風が冷たくなってきたので、私たちは商店街の小さな喫茶店に入り、温かいスープとパンを注文"
            "しました。店の主人は三十年以上この町で店を続けているそうです。",
        ),
    ),
    Article(
        "kor",
        "ko",
        "euc_kr",
        "none",
        "EUC-KR",
        (
            "지난 주말 우리 동네에 새로운 도서관이 문을 열었습니다. "
            "도서관에는 어린이와 어른을 위한 책이 많이 있고 "
            "창가에는 편안한 의자가 놓여 있어서 많은 주민들이 찾아오고 있습니다.",
            "도서관 관장은 건물을 짓는 데 거의 삼 년이 걸렸다고 말했습니다. 공사 비용의 일부는 주민들이 직접 "
            "모았고 지역 화가들이 어린이 열람실의 벽에 그림을 그렸습니다.",
            "주민들은 한 번에 열 권까지 책을 빌릴 수 있으며 저녁에는 어르신들을 위한 무료 컴퓨터 수업과 영어 "
            "강좌가 열립니다. 많은 사람들이 벌써 다음 달 강좌를 신청했습니다.",
        ),
    ),
    Article(
        "zho",
        "zh",
        "gbk",
        "http",
        "gb2312",
        (
            "昨天下午，市中心的新图书馆正式对外开放。图书馆里有很多适合儿童和成年人阅读的书籍，窗边还摆放着舒适的"
            "椅子，吸引了许多附近的居民前来参观和借阅。",
            "图书馆馆长介绍说，这座建筑历时将近三年才建成。部分建设资金由社区居民自发筹集，当地的画家们还为儿童阅览"
            "室的墙壁绘制了色彩鲜艳的图画。",
            "读者每次最多可以借阅十本书，每天晚上阅览室还为老年人开设免费的电脑课程和英语课程。很多居民已经报名参加"
            "下个月的课程，大家都对新图书馆非常满意。",
        ),
    ),
    Article(
        "zht",
        "zh-Hant",
        "big5",
        "meta",
        "Big5",
        (
            "昨天下午，市中心的新圖書館正式對外開放。圖書館裡有很多適合兒童和成年人閱讀的書籍，窗邊還擺放著舒適的"
            "椅子，吸引了許多附近的居民前來參觀和借閱。",
            "圖書館館長介紹說，這座建築歷時將近三年才建成。部分建設資金由社區居民自發籌集，當地的畫家們還為兒童閱覽"
            "室的牆壁繪製了色彩鮮豔的圖畫。",
            "讀者每次最多可以借閱十本書，每天晚上閱覽室還為老年人開設免費的電腦課程和英語課程。很多居民已經報名參加"
            "下個月的課程，大家都對新圖書館非常滿意。",
        ),
    ),
    Article(
        "ara",
        "ar",
        "cp1256",
        "http",
        "windows-1256",
        (
            "افتتحت البلدية حديقة جديدة في وسط المدينة، وفيها أشجار كثيرة "
            "وملعب كبير للأطفال ومقاعد مريحة تحت "
            "الأشجار. يأتي الناس إليها في المساء للمشي والجلوس مع العائلة بعد يوم طويل من العمل.",
            "وقال رئيس البلدية إن العمل في الحديقة استمر قرابة ثلاث سنوات، وإن سكان الحي ساعدوا في زراعة "
            "الأشجار وتنظيف الأرض قبل افتتاحها أمام الجمهور في نهاية الأسبوع الماضي.",
            "وتخطط البلدية لإقامة سوق صغير للمزارعين في الحديقة كل يوم جمعة، حيث يمكن للسكان شراء الخضار "
            "والفواكه الطازجة والخبز من المخابز المحلية بأسعار مناسبة.",
        ),
    ),
    Article(
        "ces",
        "cs",
        "iso8859-2",
        "http",
        "ISO-8859-2",
        (
            "Včera odpoledne se v centru města otevřela nová knihovna. Najdete v ní spoustu knih pro děti i "
            "dospělé, pohodlná křesla u oken a velký sál, kde se každou sobotu konají besedy se spisovateli.",
            "Ředitelka knihovny řekla, že stavba trvala téměř tři roky. Část peněz na opravu vybrali sami "
            "obyvatelé čtvrti a místní malíři vyzdobili stěny dětského oddělení pestrými obrázky.",
            "Čtenáři si mohou najednou půjčit až deset knih a po večerech se v čítárně "
            "konají bezplatné kurzy "
            "angličtiny a práce s počítačem pro starší lidi. Mnoho lidí se už přihlásilo na příští měsíc.",
        ),
    ),
)
