"""Short multilingual sample texts (written for babelbeam) used by the tokenizer tests and benchmark.

They cover many scripts and the pre-tokenizer's corner cases: digits, contractions, mixed whitespace,
CRLF, emoji with ZWJ, combining marks in decomposed form, right-to-left text and special-token strings.
"""

from __future__ import annotations

SAMPLE_TEXTS: tuple[str, ...] = (
    "Hello world! It's 2025 and we're tokenizing 1,234,567.89 things, aren't we?",
    "Le château où j'ai dormi était très ancien ; l'hôtel coûte 45 € la nuit.",
    "Die Größe des Straßenverkehrs nimmt zu. Übermäßige Geschwindigkeit ist gefährlich.",
    "El niño comió una manzana; ¿quién pagó la cuenta? ¡Nadie!",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Η γρήγορη καφέ αλεπού πηδά πάνω από τον τεμπέλη σκύλο.",
    "العربية لغة سامية يتحدث بها أكثر من ٤٠٠ مليون شخص.",
    "עברית היא שפה שמית; השנה היא 5785.",
    "हिन्दी भारत की एक आधिकारिक भाषा है। १२३४५",
    "বাংলা ভাষা দক্ষিণ এশিয়ার একটি প্রধান ভাষা।",
    "தமிழ் உலகின் பழமையான மொழிகளில் ஒன்றாகும்.",
    "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำในประโยค",
    "我们今天在北京吃了烤鸭，价格是１２８元。",
    "我們今天在臺北吃了牛肉麵，非常好吃。",
    "日本語の文章には、ひらがな・カタカナ・漢字が混ざっています。",
    "한국어는 한글로 씁니다. 세종대왕이 1443년에 만들었습니다.",
    "ქართული ენა უნიკალური დამწერლობით იწერება.",
    "Հայերենը հնդեվրոպական լեզու է։",
    "አማርኛ በኢትዮጵያ ውስጥ የሚነገር ቋንቋ ነው።",
    "Tiếng Việt có sáu thanh điệu: ngang, huyền, sắc, hỏi, ngã, nặng.",
    "Türkçe'de ğ, ı, ş ve ç harfleri vardır; İstanbul büyük bir şehirdir.",
    "Emoji: 👍🏽 👨‍👩‍👧‍👦 🇺🇳 ❤️ — and decomposed: cafe\u0301, n\u0303, A\u030a.",
    "def f(x):\r\n    return x ** 2  # tabs\tand   spaces\n\n\n  trailing   ",
    "Data may contain <|endoftext|> or <|im_start|>user and <think> tags; they are plain text here.",
)
"""Sample documents in about 20 scripts; ``decode(encode(x))`` must give back ``NFC(x)`` for each."""
