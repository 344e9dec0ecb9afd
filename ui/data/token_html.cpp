#include "data/token_html.h"

#include "lora/tokenizer.h"

#include <QCoreApplication>

namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QString tr(const char* text) { return QCoreApplication::translate("TokenHtml", text); }

QString span(const QColor& background, const QString& text)
{
    return QStringLiteral("<span style=\"background-color:%1\">%2</span>").arg(background.name(), text);
}

}  // namespace

TokenColors tokenColors(const QPalette& palette)
{
    // Mixed from the palette so the shades work on light and dark themes alike.
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const QColor accent = palette.color(QPalette::Highlight);
    return {{mix(base, accent, 0.30), mix(base, accent, 0.50)}, {mix(base, text, 0.05), mix(base, text, 0.13)}};
}

QString visibleTokenText(const std::string& decoded)
{
    QString out;
    for (const QChar c : QString::fromStdString(decoded)) {
        if (c == '\n')
            out += QStringLiteral("↵<br>");
        else if (c == '\t')
            out += QStringLiteral("→");
        else if (c == '\r')
            out += QStringLiteral("␍");
        else
            out += QString(c).toHtmlEscaped();
    }
    return out;
}

QString exampleTokensHtml(const lora::Example& example, const lora::Tokenizer& tokenizer, const QPalette& palette,
                          int maxTokens)
{
    const TokenColors colors = tokenColors(palette);
    const size_t shown = std::min(example.inputIds.size(), size_t(std::max(0, maxTokens)));
    QString html = QStringLiteral("<div style=\"white-space:pre-wrap; font-family:monospace\">");
    for (size_t i = 0; i < shown; ++i) {
        const int32_t id = example.inputIds[i];
        // Decoding one id alone shows what this token adds to the text; special tokens by their name.
        std::string piece = tokenizer.decode(std::span<const int32_t>(&id, 1), false);
        if (piece.empty())
            piece = tokenizer.idToToken(id);
        const bool learned = i < example.labels.size() && example.labels[i] != lora::kIgnoreIndex;
        const QColor& shade = learned ? colors.learned[i % 2] : colors.context[i % 2];
        html += span(shade, piece.empty() ? QStringLiteral("∅") : visibleTokenText(piece));
    }
    html += QStringLiteral("</div>");
    if (shown < example.inputIds.size())
        html += QStringLiteral("<p><i>%1</i></p>")
                    .arg(tr("… and %1 more tokens").arg(example.inputIds.size() - shown));
    return html;
}

QString tokenLegendHtml(const QPalette& palette)
{
    const TokenColors colors = tokenColors(palette);
    return tr("%1 learned: these tokens are in the loss &nbsp;&nbsp; %2 context: read by the model, not "
              "learned (label −100) &nbsp;&nbsp; Alternating shades mark token boundaries; ↵ is a newline.")
        .arg(span(colors.learned[0], QStringLiteral("&nbsp;tok&nbsp;")) + span(colors.learned[1], QStringLiteral("en&nbsp;")),
             span(colors.context[0], QStringLiteral("&nbsp;tok&nbsp;")) + span(colors.context[1], QStringLiteral("en&nbsp;")));
}
