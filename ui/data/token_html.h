#pragma once
// An example's tokens as rich text: each token on its own shade so the boundaries show, the tokens that count
// for the loss (label != -100) on the highlight colour, the masked context (a prompt) on a neutral one.
#include "lora/dataset.h"

#include <QColor>
#include <QPalette>
#include <QString>

namespace lora {
class Tokenizer;
}

struct TokenColors {
    QColor learned[2];  // alternating, for tokens in the loss
    QColor context[2];  // alternating, for tokens only read
};
TokenColors tokenColors(const QPalette& palette);

// The token text as it appears in the tokens view: newlines and tabs made visible, HTML-escaped.
QString visibleTokenText(const std::string& decoded);

// Tokens past maxTokens are summarised in a trailing note.
QString exampleTokensHtml(const lora::Example& example, const lora::Tokenizer& tokenizer, const QPalette& palette,
                          int maxTokens = 2048);
QString tokenLegendHtml(const QPalette& palette);
