// lora-studio: the desktop app.
#include "main_window.h"
#include "screenshot_tour.h"

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
    // For scripts/screenshots: train a short run, save a PNG of every page to DIR, quit.
    QCommandLineOption screenshots("screenshots", "Save a screenshot of every page to DIR after a short run.", "DIR");
    screenshots.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotSteps("screenshot-steps", "Training steps before the screenshots.", "N", "60");
    screenshotSteps.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshots);
    parser.addOption(screenshotSteps);
    parser.process(app);

    MainWindow window;
    if (parser.isSet(screenshots)) {
        window.resize(1440, 900);
        window.show();
        auto* tour = new ScreenshotTour(&window, parser.value(screenshots), parser.value(screenshotSteps).toInt(), &window);
        QObject::connect(tour, &ScreenshotTour::finished, &app, [](int code) { QCoreApplication::exit(code); });
        tour->start();
        return app.exec();
    }
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openModelFolder(parser.positionalArguments().first());
    window.openStartupChoices();
    return app.exec();
}
