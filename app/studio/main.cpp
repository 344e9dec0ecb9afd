// lora-studio: the desktop app.
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LoRA Studio");
    QApplication::setApplicationName("LoRA Studio");
    QApplication::setApplicationVersion(LORA_STUDIO_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Interactive LoRA fine-tuning of language models");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("model", "Hugging Face model folder to open");
    parser.process(app);

    MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openModelFolder(parser.positionalArguments().first());
    return app.exec();
}
