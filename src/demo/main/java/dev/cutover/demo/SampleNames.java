package dev.cutover.demo;

import java.util.List;
import java.util.SplittableRandom;

/** Name pools of the sample data: ordinary names, and the odd ones of each {@link EdgeCase}. */
final class SampleNames {
    static final List<String> FIRST = List.of("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos",
            "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley", "Steven",
            "Kimberly", "Andrew", "Emily", "Kenneth", "Donna", "Priya", "Michelle", "Wei", "Carol", "Ahmed", "Amanda");
    static final List<String> LAST = List.of("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
            "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis",
            "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Patel");

    static final List<String> SINGLE = List.of("Cher", "Madonna", "Prince", "Björk", "Ronaldinho", "Teller", "Sting", "Adele");
    static final List<String> MULTI_WORD = List.of("Mary Ann Smith", "Juan Carlos de la Cruz", "Anna Maria van der Berg",
            "Jean Paul Sartre", "Maria del Carmen Lopez", "Ludwig van Beethoven", "Sarah Jane Parker");
    static final List<String> UNICODE = List.of("Zoë Saldaña", "Łukasz Żółć", "山田 太郎", "Nguyễn Văn An", "Ólafur Arnalds",
            "Ирина Петрова", "Søren Kierkegaard", "محمد علي", "François Lefèvre", "Dani 🚀 Rocket");
    static final List<String> PUNCTUATED = List.of("Conan O'Brien", "Jean-Luc Picard", "Robert \"Bobby\" Tables",
            "Mary-Kate O'Neil", "D'Angelo Russell", "Back\\slash Owen");
    static final List<String> IRREGULAR_SPACING = List.of("John  Smith", " Alice Jones", "Bob Brown ", "Ann\tLee",
            "Eve   Adams", "  Carl Sagan  ");

    private SampleNames() {
    }

    static String pick(List<String> pool, SplittableRandom rng) {
        return pool.get(rng.nextInt(pool.size()));
    }
}
