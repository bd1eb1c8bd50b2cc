package io.voicewire.testing;

import java.util.List;

/**
 * The English test sentences of the engine's round-trip quality test and benchmark: everyday
 * requests, numbers, names, questions, 5 to 21 words each. Written for voicewire; plain words
 * that a general-domain language model knows, so that the round trip measures the engines, not
 * out-of-vocabulary luck.
 */
public final class BenchSentences {
  private BenchSentences() {}

  /** 24 sentences. */
  public static final List<String> ALL = List.of(
      "The weather today will be sunny with a light breeze coming from the west.",
      "Please call me back when you get home tonight.",
      "I would like to order a large pizza with extra cheese.",
      "The meeting has been moved to three o'clock on Thursday afternoon.",
      "Can you tell me how to get to the nearest train station?",
      "She bought a new car last week and she loves it.",
      "Turn left at the next corner and then keep going straight.",
      "The children played in the park until it started to rain.",
      "We need to finish the report before the end of the month.",
      "My phone number has changed, so please update your records.",
      "The restaurant was full, so we waited almost an hour for a table.",
      "He reads the newspaper every morning while drinking his coffee.",
      "Do you know what time the store opens on Sunday?",
      "The price of oil went up again this week.",
      "Our flight was delayed because of the snowstorm in Chicago.",
      "Remember to turn off the lights when you leave the office.",
      "The doctor said that I should get more sleep and drink more water.",
      "They are planning a small party for her birthday next Saturday.",
      "I think the new policy will help a lot of families.",
      "The music was so loud that nobody could hear the phone ring.",
      "Could you send me the address of the hotel by email?",
      "The company announced that it will hire two hundred new workers.",
      "It is important to read the instructions before you start.",
      "We walked along the river and watched the boats go by.");
}
